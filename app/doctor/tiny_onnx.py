"""A tiny ONNX model, serialised here without the `onnx` package (which the runtime does not
install), so that `doctor` can run a real session on every execution provider.

The graph is Y = Relu(X @ W + B) with X [8, 64], W [64, 32], B [32], float32, opset 17. The
inputs and weights are small multiples of powers of two, so every product and sum is exact in
float32 and in TF32 (what CUDA's MatMul may use): any provider that really ran it returns the
numpy result to the last bit, and a provider that silently computes garbage is caught.

The encoding is protobuf's wire format for onnx.proto's ModelProto (field numbers from onnx.proto;
tests/test_doctor.py checks the bytes with onnx.checker when the training extras are installed).
"""

from __future__ import annotations

import numpy as np

IR_VERSION = 8
OPSET = 17
FLOAT = 1  # TensorProto.DataType.FLOAT
BATCH, IN, OUT = 8, 64, 32

# protobuf wire types
_VARINT, _LEN = 0, 2


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # int64 fields: two's complement, ten bytes
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _int(field: int, value: int) -> bytes:
    return _key(field, _VARINT) + _varint(value)


def _bytes(field: int, value: bytes) -> bytes:
    return _key(field, _LEN) + _varint(len(value)) + value


def _str(field: int, value: str) -> bytes:
    return _bytes(field, value.encode("utf-8"))


def _tensor(name: str, array: np.ndarray) -> bytes:
    """TensorProto: dims=1, data_type=2, name=8, raw_data=9 (little-endian)."""
    array = np.ascontiguousarray(array, dtype="<f4")
    return (b"".join(_int(1, d) for d in array.shape) + _int(2, FLOAT) + _str(8, name)
            + _bytes(9, array.tobytes()))


def _value_info(name: str, shape: tuple[int, ...]) -> bytes:
    """ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1, shape=2: {dim=1: {dim_value=1}}}}}."""
    dims = b"".join(_bytes(1, _int(1, d)) for d in shape)
    tensor_type = _int(1, FLOAT) + _bytes(2, dims)
    return _str(1, name) + _bytes(2, _bytes(1, tensor_type))


def _node(op: str, inputs: list[str], outputs: list[str], name: str) -> bytes:
    """NodeProto: input=1, output=2, name=3, op_type=4."""
    return (b"".join(_str(1, i) for i in inputs) + b"".join(_str(2, o) for o in outputs)
            + _str(3, name) + _str(4, op))


def weights() -> tuple[np.ndarray, np.ndarray]:
    """W and B: multiples of 1/8 in [-1, 1) (exact in TF32's 10-bit mantissa)."""
    w = ((np.arange(IN * OUT, dtype=np.int64) * 37 + 11) % 16 - 8).astype(np.float32).reshape(IN, OUT) / 8
    b = ((np.arange(OUT, dtype=np.int64) * 5) % 16 - 8).astype(np.float32) / 8
    return w, b


def sample_input() -> np.ndarray:
    """X: multiples of 1/2 in [-2, 2)."""
    return ((np.arange(BATCH * IN, dtype=np.int64) * 13 + 3) % 8 - 4).astype(np.float32).reshape(BATCH, IN) / 2


def expected(x: np.ndarray) -> np.ndarray:
    w, b = weights()
    return np.maximum(x.astype(np.float64) @ w + b, 0).astype(np.float32)


def model_bytes() -> bytes:
    """The serialised ModelProto."""
    w, b = weights()
    graph = (
        _bytes(1, _node("MatMul", ["X", "W"], ["XW"], "matmul"))
        + _bytes(1, _node("Add", ["XW", "B"], ["Z"], "add"))
        + _bytes(1, _node("Relu", ["Z"], ["Y"], "relu"))
        + _str(2, "sqinspect_doctor_probe")
        + _bytes(5, _tensor("W", w))
        + _bytes(5, _tensor("B", b))
        + _bytes(11, _value_info("X", (BATCH, IN)))
        + _bytes(12, _value_info("Y", (BATCH, OUT)))
    )
    opset = _str(1, "") + _int(2, OPSET)
    return (_int(1, IR_VERSION) + _str(2, "sqinspect-doctor") + _str(3, "1")
            + _bytes(7, graph) + _bytes(8, opset))

