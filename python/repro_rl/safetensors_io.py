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


def read_safetensors(path_or_bytes) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """(tensors by name, __metadata__) of a safetensors file; BF16 is widened to float32."""
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
