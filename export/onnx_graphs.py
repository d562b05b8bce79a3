"""torch.onnx (dynamo) export of the vision, embedding and decoder graphs, with named dynamic axes.

I/O names follow ONNX Runtime GenAI: `past_key_values.N.key|value` in, `present.N.key|value` out.
Dynamic axes: batch, sequence (new tokens), past_sequence (cached tokens, may be 0) and
total_sequence (= past_sequence + sequence: attention_mask and presents).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import onnx
import torch

from export.wrappers import DecoderGraph, EmbeddingGraph, VisionGraph

log = logging.getLogger(__name__)

DEFAULT_OPSET = 18  # what ONNX Runtime >= 1.14 and TensorRT >= 8.6 both take
GRAPH_FILES = {"vision": "vision.onnx", "embedding": "embedding.onnx", "decoder": "decoder.onnx"}
TWO_GB = 2**31  # protobuf's hard limit for one file; larger graphs keep weights in a .data file


def kv_names(num_layers: int, prefix: str) -> list[str]:
    return [f"{prefix}.{i}.{kind}" for i in range(num_layers) for kind in ("key", "value")]


def _param_bytes(module: torch.nn.Module) -> int:
    return sum(p.numel() * p.element_size() for p in module.parameters())


def _export(module, args, path: Path, input_names, output_names, dynamic_shapes, opset: int,
            rename_dims: dict[str, str] | None = None) -> None:
    # Quiet the dynamo exporter (step prints, torchvision-missing and deprecation warnings): our own
    # progress line reports each graph, and real failures still raise.
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            module, args, dynamo=True, input_names=input_names, output_names=output_names,
            dynamic_shapes=dynamic_shapes, opset_version=opset, verbose=False,
        )
    external = _param_bytes(module) > TWO_GB - 2**27  # margin for the graph itself
    if rename_dims:
        # torch.export names derived dims by their formula ("sequence + past_sequence"); give them
        # the names the manifest documents.
        for value in list(program.model.graph.inputs) + list(program.model.graph.outputs):
            if value.shape is None:
                continue
            dims = [rename_dims.get(str(d), d) if not isinstance(d, int) else d for d in value.shape]
            value.shape = type(value.shape)(dims)
    program.save(str(path), external_data=external)
    onnx.checker.check_model(str(path))  # path form: works with external data too


def export_vision(model, path: Path, opset: int) -> None:
    size = model.config.vision_config.image_size
    channels = model.config.vision_config.num_channels
    batch = torch.export.Dim("batch", min=1, max=1024)
    # Batch 2 as the example: torch.export specialises dims whose example size is 0 or 1.
    example = (torch.randn(2, channels, size, size),)
    _export(VisionGraph(model).eval(), example, path, ["pixel_values"], ["image_features"],
            ({0: batch},), opset)


def export_embedding(model, path: Path, opset: int) -> None:
    batch = torch.export.Dim("batch", min=1, max=1024)
    seq = torch.export.Dim("sequence", min=1, max=1 << 20)
    example = (torch.randint(0, model.config.text_config.vocab_size, (2, 5)),)
    _export(EmbeddingGraph(model).eval(), example, path, ["input_ids"], ["inputs_embeds"],
            ({0: batch, 1: seq},), opset)


def decoder_geometry(config) -> dict:
    tc = config.text_config
    head_dim = getattr(tc, "head_dim", None) or tc.hidden_size // tc.num_attention_heads
    return {
        "num_layers": tc.num_hidden_layers,
        "num_attention_heads": tc.num_attention_heads,
        "num_kv_heads": getattr(tc, "num_key_value_heads", None) or tc.num_attention_heads,
        "head_dim": head_dim,
        "hidden_size": tc.hidden_size,
        "vocab_size": tc.vocab_size,
        "max_position_embeddings": getattr(tc, "max_position_embeddings", None),
    }


def export_decoder(model, path: Path, opset: int) -> None:
    g = decoder_geometry(model.config)
    layers = g["num_layers"]
    batch = torch.export.Dim("batch", min=1, max=1024)
    seq = torch.export.Dim("sequence", min=1, max=1 << 20)
    past = torch.export.Dim("past_sequence", min=0, max=1 << 20)
    total = torch.export.Dim("total_sequence", min=1, max=1 << 21)
    b, t, p = 2, 5, 3  # sizes > 1 everywhere, so nothing is specialised
    example = (
        torch.randn(b, t, g["hidden_size"]),
        torch.ones(b, p + t, dtype=torch.long),
        torch.arange(p, p + t).repeat(b, 1),
        *[torch.randn(b, g["num_kv_heads"], p, g["head_dim"]) for _ in range(2 * layers)],
    )
    names = ["inputs_embeds", "attention_mask", "position_ids", *kv_names(layers, "past_key_values")]
    outputs = ["logits", *kv_names(layers, "present")]
    shapes = ({0: batch, 1: seq}, {0: batch, 1: total}, {0: batch, 1: seq},
              tuple({0: batch, 2: past} for _ in range(2 * layers)))
    _export(DecoderGraph(model).eval(), example, path, names, outputs, shapes, opset,
            rename_dims={"sequence + past_sequence": "total_sequence", "past_sequence + sequence": "total_sequence"})


EXPORTERS = {"vision": export_vision, "embedding": export_embedding, "decoder": export_decoder}


def graph_io(path: Path) -> dict:
    """Names, dtypes and shapes (ints or dim names) of a graph's inputs and outputs, for the manifest."""
    model = onnx.load(str(path), load_external_data=False)

    def describe(values):
        out = []
        for v in values:
            t = v.type.tensor_type
            dims = [d.dim_param or (d.dim_value if d.HasField("dim_value") else None) for d in t.shape.dim]
            out.append({"name": v.name, "dtype": onnx.helper.tensor_dtype_to_np_dtype(t.elem_type).name, "shape": dims})
        return out

    init = {i.name for i in model.graph.initializer}
    return {"inputs": describe([i for i in model.graph.input if i.name not in init]), "outputs": describe(model.graph.output)}
