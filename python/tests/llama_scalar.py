"""A second, deliberately naive forward of the Llama family in plain Python floats: loops over
positions, heads and dimensions, no torch, no broadcasting, rotation written per (i, i + HD/2) pair,
each query head reading key/value head h // (NH / NKV) directly. Slow; for tiny models only."""
from __future__ import annotations

import math

from repro_rl.llama_ref import parse_config


def _matvec(w, x, b=None):
    return [sum(wr[j] * x[j] for j in range(len(x))) + (b[i] if b is not None else 0.0) for i, wr in enumerate(w)]


def _rmsnorm(x, w, eps):
    r = 1.0 / math.sqrt(sum(v * v for v in x) / len(x) + eps)
    return [w[i] * x[i] * r for i in range(len(x))]


def _inv_freq(c):
    out = []
    for i in range(c.head_dim // 2):
        f = c.rope_theta ** (-2.0 * i / c.head_dim)
        s = c.rope_scaling
        if s is not None:
            L = s.original_max_position_embeddings
            lam = 2 * math.pi / f
            if lam < L / s.high_freq_factor:
                pass
            elif lam > L / s.low_freq_factor:
                f = f / s.factor
            else:
                t = (L / lam - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor)
                f = (1 - t) * f / s.factor + t * f
        out.append(f)
    return out


def _rotate(v, pos, inv):
    half = len(v) // 2
    out = list(v)
    for i in range(half):
        a = pos * inv[i]
        x1, x2 = v[i], v[i + half]
        out[i] = x1 * math.cos(a) - x2 * math.sin(a)
        out[i + half] = x2 * math.cos(a) + x1 * math.sin(a)
    return out


def scalar_logits(config: dict, w: dict, ids, positions=None):
    """Logits [T][V] as nested lists; w maps hub names to nested lists / numpy arrays (indexable)."""
    c = parse_config(config)
    NH, NKV, HD, eps = c.num_heads, c.num_kv_heads, c.head_dim, c.rms_norm_eps
    group = NH // NKV
    T = len(ids)
    pos = list(range(T)) if positions is None else list(positions)
    inv = _inv_freq(c)
    g = lambda name: w.get(name)  # noqa: E731
    xs = [list(map(float, w["model.embed_tokens.weight"][t])) for t in ids]
    for l in range(c.num_layers):
        p = f"model.layers.{l}."
        hs = [_rmsnorm(x, w[p + "input_layernorm.weight"], eps) for x in xs]
        qs, ks, vs = [], [], []
        for t, h in enumerate(hs):
            q = _matvec(w[p + "self_attn.q_proj.weight"], h, g(p + "self_attn.q_proj.bias"))
            k = _matvec(w[p + "self_attn.k_proj.weight"], h, g(p + "self_attn.k_proj.bias"))
            v = _matvec(w[p + "self_attn.v_proj.weight"], h, g(p + "self_attn.v_proj.bias"))
            qh = [q[n * HD:(n + 1) * HD] for n in range(NH)]
            kh = [k[n * HD:(n + 1) * HD] for n in range(NKV)]
            if c.qk_norm:
                qh = [_rmsnorm(x, w[p + "self_attn.q_norm.weight"], eps) for x in qh]
                kh = [_rmsnorm(x, w[p + "self_attn.k_norm.weight"], eps) for x in kh]
            qs.append([_rotate(x, pos[t], inv) for x in qh])
            ks.append([_rotate(x, pos[t], inv) for x in kh])
            vs.append([v[n * HD:(n + 1) * HD] for n in range(NKV)])
        for t in range(T):
            att = []
            for n in range(NH):
                kv = n // group
                s = [sum(qs[t][n][d] * ks[u][kv][d] for d in range(HD)) / math.sqrt(HD) for u in range(t + 1)]
                m = max(s)
                e = [math.exp(x - m) for x in s]
                z = sum(e)
                att += [sum(e[u] / z * vs[u][kv][d] for u in range(t + 1)) for d in range(HD)]
            o = _matvec(w[p + "self_attn.o_proj.weight"], att, g(p + "self_attn.o_proj.bias"))
            xs[t] = [xs[t][i] + o[i] for i in range(len(o))]
        for t in range(T):
            h = _rmsnorm(xs[t], w[p + "post_attention_layernorm.weight"], eps)
            gate = _matvec(w[p + "mlp.gate_proj.weight"], h, g(p + "mlp.gate_proj.bias"))
            up = _matvec(w[p + "mlp.up_proj.weight"], h, g(p + "mlp.up_proj.bias"))
            act = [gate[i] / (1 + math.exp(-gate[i])) * up[i] for i in range(len(up))]
            d = _matvec(w[p + "mlp.down_proj.weight"], act, g(p + "mlp.down_proj.bias"))
            xs[t] = [xs[t][i] + d[i] for i in range(len(d))]
    head = w["model.embed_tokens.weight"] if c.tie_word_embeddings else w["lm_head.weight"]
    return [_matvec(head, _rmsnorm(x, w["model.norm.weight"], eps)) for x in xs]
