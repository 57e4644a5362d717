"""A Hugging Face model folder in, tensors out: config.json plus model.safetensors, or shards listed
by model.safetensors.index.json; F32, F16 and BF16 all come back as float32 numpy arrays (upcast
exactly), checked against the shapes config.json implies. The writer makes such folders for tests."""
from __future__ import annotations

import json
import os
from typing import Dict, Tuple

import numpy as np

from ..safetensors_io import encode_safetensors, read_safetensors
from .config import RefConfig, parse_config

INDEX = "model.safetensors.index.json"
SINGLE = "model.safetensors"


def expected_shapes(c: RefConfig) -> Dict[str, Tuple[int, ...]]:
    """Every tensor the config needs, by its hub name (nn.Linear weights are [out, in])."""
    C, V, I, HD = c.hidden_size, c.vocab_size, c.intermediate_size, c.head_dim
    QD, KVD = c.num_heads * HD, c.num_kv_heads * HD
    out: Dict[str, Tuple[int, ...]] = {"model.embed_tokens.weight": (V, C)}
    for l in range(c.num_layers):
        p = f"model.layers.{l}."
        out[p + "input_layernorm.weight"] = (C,)
        for name, rows in (("q_proj", QD), ("k_proj", KVD), ("v_proj", KVD)):
            out[p + f"self_attn.{name}.weight"] = (rows, C)
            if c.qkv_bias:
                out[p + f"self_attn.{name}.bias"] = (rows,)
        if c.qk_norm:
            out[p + "self_attn.q_norm.weight"] = (HD,)
            out[p + "self_attn.k_norm.weight"] = (HD,)
        out[p + "self_attn.o_proj.weight"] = (C, QD)
        if c.o_bias:
            out[p + "self_attn.o_proj.bias"] = (C,)
        out[p + "post_attention_layernorm.weight"] = (C,)
        out[p + "mlp.gate_proj.weight"] = (I, C)
        out[p + "mlp.up_proj.weight"] = (I, C)
        out[p + "mlp.down_proj.weight"] = (C, I)
        if c.mlp_bias:
            out[p + "mlp.gate_proj.bias"] = (I,)
            out[p + "mlp.up_proj.bias"] = (I,)
            out[p + "mlp.down_proj.bias"] = (C,)
    out["model.norm.weight"] = (C,)
    if not c.tie_word_embeddings:
        out["lm_head.weight"] = (V, C)
    return out


def load_folder(model_dir: str):
    """(RefConfig, config.json dict, {name: float32 array}, {name: file dtype})."""
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        raw_config = json.load(f)
    cfg = parse_config(raw_config)
    tensors: Dict[str, np.ndarray] = {}
    dtypes: Dict[str, str] = {}
    index_path = os.path.join(model_dir, INDEX)
    if os.path.exists(index_path):
        with open(index_path, encoding="utf-8") as f:
            weight_map = json.load(f)["weight_map"]
        files = sorted(set(weight_map.values()))
    else:
        weight_map, files = None, [SINGLE]
    for file in files:
        path = os.path.join(model_dir, file)
        if not os.path.exists(path):
            raise FileNotFoundError(f"{file} is missing from {model_dir}")
        header_dtypes: Dict[str, str] = {}
        got, _ = read_safetensors(path, header_dtypes)
        for name, arr in got.items():
            if weight_map is not None and weight_map.get(name) != file:
                raise ValueError(f'{file} holds "{name}", which {INDEX} places in {weight_map.get(name)}')
            if name in tensors:
                raise ValueError(f'tensor "{name}" appears in more than one file')
            tensors[name] = arr.astype(np.float32)
            dtypes[name] = header_dtypes[name]
    if weight_map is not None:
        lost = sorted(set(weight_map) - set(tensors))
        if lost:
            raise ValueError(f"{INDEX} lists tensors its shards do not hold: {', '.join(lost[:5])}")
    _check(cfg, tensors)
    return cfg, raw_config, tensors, dtypes


def _check(cfg: RefConfig, tensors: Dict[str, np.ndarray]) -> None:
    want = expected_shapes(cfg)
    for name, shape in want.items():
        if name not in tensors:
            raise ValueError(f'tensor "{name}" is missing (config.json implies it)')
        if tuple(tensors[name].shape) != shape:
            raise ValueError(f'tensor "{name}" has shape {list(tensors[name].shape)}, config.json implies {list(shape)}')
    for name in tensors:
        # Old checkpoints store the rotary buffer; a tied model may still ship lm_head.weight (unused).
        if name in want or name.endswith("rotary_emb.inv_freq") or name == "lm_head.weight":
            continue
        raise ValueError(f'tensor "{name}" is not part of the {cfg.family} architecture the reference implements')


def write_folder(model_dir: str, config: dict, tensors: Dict[str, np.ndarray], dtype: str = "F32", shards: int = 1) -> None:
    """config.json + model.safetensors (shards = 1) or model-0000k-of-0000n.safetensors + index."""
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
    names = list(tensors)
    if shards == 1:
        with open(os.path.join(model_dir, SINGLE), "wb") as f:
            f.write(encode_safetensors({n: (tensors[n], dtype) for n in names}))
        return
    weight_map, total = {}, 0
    per = -(-len(names) // shards)
    for k in range(shards):
        file = f"model-{k + 1:05d}-of-{shards:05d}.safetensors"
        part = names[k * per:(k + 1) * per]
        with open(os.path.join(model_dir, file), "wb") as f:
            f.write(encode_safetensors({n: (tensors[n], dtype) for n in part}))
        for n in part:
            weight_map[n] = file
            total += tensors[n].size * (4 if dtype == "F32" else 2)
    with open(os.path.join(model_dir, INDEX), "w", encoding="utf-8") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
