"""Tiny random models and tokenizers that tests build in the real file layouts."""

from __future__ import annotations

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

CORPUS = [
    "A chat between a curious user and an artificial intelligence assistant.",
    "USER: What is in the image? ASSISTANT: A brass hex nut on a grey belt.",
    "VUSER: Is there a scratch near the bore? ASSISTANT: Yes, a thin scratch at the upper left.",
    "How many holes does the bracket have? Three holes. Is this part defective? Answer yes or no.",
    "No, it looks good. The virtual user asks complex questions that are relevant to the content.",
] * 20


def llama_style_tokenizer(vocab_size: int = 300) -> Tokenizer:
    """A SentencePiece-style BPE laid out like LLaMA's tokenizer.json: '▁' for spaces, byte fallback,
    <unk>/<s>/</s> as ids 0/1/2 and no pre-tokenizer."""
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.decoder = decoders.Sequence(
        [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)]
    )
    byte_tokens = [f"<0x{b:02X}>" for b in range(256)]
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size + 256, special_tokens=["<unk>", "<s>", "</s>", *byte_tokens], show_progress=False
    )
    # SentencePiece never merges across words: train split on '▁', then lay the file out as LLaMA's.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    tok.train_from_iterator(CORPUS, trainer=trainer)
    tok.pre_tokenizer = None
    return tok


def byte_level_bpe(vocab_size: int = 300) -> Tokenizer:
    from models.tokenizer import train_bpe_tokenizer

    return train_bpe_tokenizer(CORPUS, vocab_size=vocab_size, show_progress=False)


def tiny_configs(vocab_size: int = 400, image_size: int = 32, patch_size: int = 8):
    from transformers import CLIPVisionConfig, LlamaConfig

    vision = CLIPVisionConfig(
        hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=2,
        image_size=image_size, patch_size=patch_size,
    )
    text = LlamaConfig(
        hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, vocab_size=vocab_size, max_position_embeddings=512,
    )
    return vision, text


def tiny_sqllava(projector: str = "prototype", vocab_size: int = 400, seed: int = 0, **kw):
    import torch

    from models import SQLlavaConfig, SQLlavaForConditionalGeneration

    vision, text = tiny_configs(vocab_size)
    n_tokens = (vision.image_size // vision.patch_size) ** 2
    config = SQLlavaConfig(
        vision_config=vision, text_config=text, image_token_index=vocab_size - 1,
        image_seq_length=n_tokens, mm_projector_type=projector, num_prototypes=kw.pop("num_prototypes", 4), **kw,
    )
    torch.manual_seed(seed)
    return SQLlavaForConditionalGeneration(config).eval()
