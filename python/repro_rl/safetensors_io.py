"""A small reader for .safetensors files (the format of src/engine/checkpoint.ts): u64 little-endian
header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, raw data.
No dependency beyond numpy; tensors come back as numpy arrays (torch.from_numpy them)."""
from __future__ import annotations

import json
import struct
from typing import Dict, Tuple

import numpy as np

_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}
MAX_HEADER_BYTES = 100_000_000


def read_safetensors(path_or_bytes, dtypes: Dict[str, str] = None) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """(tensors by name, __metadata__) of a safetensors file; BF16 is widened to float32. A dict
    passed as dtypes receives each tensor's dtype as the file states it."""
    data = path_or_bytes if isinstance(path_or_bytes, (bytes, bytearray)) else open(path_or_bytes, "rb").read()
    if len(data) < 8:
        raise ValueError(f"safetensors truncated: {len(data)} bytes, the header length alone needs 8")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_BYTES:
        raise ValueError(f"safetensors header length {n} is implausibly large")
    if 8 + n > len(data):
        raise ValueError(f"safetensors truncated: header needs {n} bytes, only {len(data) - 8} follow")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    if not isinstance(header, dict):
        raise TypeError("safetensors header must be a JSON object")
    meta = header.pop("__metadata__", {}) or {}
    body = memoryview(data)[8 + n:]
    out: Dict[str, np.ndarray] = {}
    for name, e in header.items():
        dtype, shape, (b, end) = e["dtype"], list(e["shape"]), e["data_offsets"]
        if dtypes is not None:
            dtypes[name] = dtype
        if end > len(body) or b > end:
            raise ValueError(f'tensor "{name}" data_offsets [{b}, {end}] outside the {len(body)} data bytes')
        raw = body[b:end]
        if dtype == "BF16":
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif dtype in _DTYPES:
            arr = np.frombuffer(raw, dtype=_DTYPES[dtype])
        else:
            raise TypeError(f'tensor "{name}" has unsupported dtype {dtype}')
        count = int(np.prod(shape)) if shape else 1
        if arr.size != count:
            raise ValueError(f'tensor "{name}" holds {arr.size} values, its shape {shape} needs {count}')
        out[name] = arr.reshape(shape).copy()
    return out, {str(k): str(v) for k, v in meta.items()}


def to_bf16_bits(x: np.ndarray) -> np.ndarray:
    """float32 values → bfloat16 bits, rounded to nearest even (what torch's .to(bfloat16) does)."""
    bits = np.ascontiguousarray(x, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    out = rounded.astype("<u2")
    nan = np.isnan(x)
    out[nan] = ((bits[nan] >> 16) | 0x40).astype("<u2")  # keep NaN a (quiet) NaN
    return out


def encode_safetensors(tensors: Dict[str, Tuple[np.ndarray, str]], metadata: Dict[str, str] = None) -> bytes:
    """One safetensors file from {name: (array, dtype)} with dtype F32, F16 or BF16 (the array's
    values are rounded to it) or any other key of the reader's table."""
    header: Dict[str, object] = {}
    chunks = []
    at = 0
    for name, (arr, dtype) in tensors.items():
        arr = np.asarray(arr)
        if dtype == "BF16":
            raw = to_bf16_bits(arr.astype(np.float32)).tobytes()
        elif dtype in _DTYPES:
            raw = np.ascontiguousarray(arr, dtype=_DTYPES[dtype]).tobytes()
        else:
            raise TypeError(f'tensor "{name}": cannot write dtype {dtype}')
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [at, at + len(raw)]}
        chunks.append(raw)
        at += len(raw)
    if metadata:
        header["__metadata__"] = dict(metadata)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * (-len(js) % 8)  # the format pads the header so data starts 8-aligned
    return struct.pack("<Q", len(js)) + js + b"".join(chunks)
