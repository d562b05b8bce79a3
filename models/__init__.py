"""PyTorch side of SQ-Inspect: the SQ-LLaVA model on Hugging Face transformers and its tooling."""
