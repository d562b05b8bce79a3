"""Export toolchain: checkpoint -> ONNX graphs -> parity -> precision variants -> bundle; bundle
verification; TensorRT engines.

Modules, torch-side: checkpoint (load + LoRA merge), wrappers (the graphs as torch modules),
onnx_graphs (torch.onnx dynamo export), parity (torch vs ONNX Runtime), variants (int8/fp16 and
their accuracy vs fp32), model_card, bundle (the atomic export). Torch-free: manifest (stdlib
only: format version, hashes), ort_pipeline (numpy + ONNX Runtime generation, the runtime's
reference), verify (bundle check + smoke generation), engines (TensorRT through ONNX Runtime).
Importing this package imports nothing heavy.
"""

EXPORTER_VERSION = "1.0"
