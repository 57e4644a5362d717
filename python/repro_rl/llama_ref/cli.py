"""The reference as a command, for tests in other languages:

  python -m repro_rl.llama_ref <model_dir> --ids requests.json --out expected.json [--float64]
  python -m repro_rl.llama_ref --jobs jobs.json      # many models in one process (torch loads once)

requests.json is a list of token-id lists (sequences), or an object with any of
  "sequences": [[id, …] or {"ids": [id, …], "logits": false}, …]  → log p of every next token (+ logits if V is small)
  "greedy":    [{"prompt": [id, …], "steps": N}, …]  → N argmax tokens and their top-1 − top-2 margins
  "answers":   [{"prefix": [id, …], "answer": [id, …]}, …]  → log p of each answer token, and J (their mean)
  "grads":     [{"ids": [id, …], "weights": [w_0 … w_{T−2}]}, …]  → ∇ of Σ w_t log p(ids[t+1] | ..t)
jobs.json is a list of {"model": dir, "ids": path or the requests object inline, "out": path,
"float64": bool?, "maxLogitsVocab": int?}; a job whose parameters (as loaded) and requests equal an
earlier job's reuses its outputs. See compute_expected for the output's fields."""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from typing import Any, Dict

import torch

from .model import LlamaRef
from .outputs import answer_logprobs, greedy, next_token_logprobs, weighted_logprob_grads

MAX_LOGITS_VOCAB = 1024


def _requests(ids: Any) -> Dict[str, Any]:
    if isinstance(ids, str):
        with open(ids, encoding="utf-8") as f:
            ids = json.load(f)
    if isinstance(ids, list):
        ids = {"sequences": ids}
    unknown = set(ids) - {"sequences", "greedy", "answers", "grads"}
    if unknown:
        raise ValueError(f"unknown request fields: {', '.join(sorted(unknown))}")
    return ids


def _check_ids(ids, V: int, what: str) -> list:
    ids = [int(t) for t in ids]
    bad = [t for t in ids if not 0 <= t < V]
    if bad:
        raise ValueError(f"{what}: token id {bad[0]} is outside the vocabulary [0, {V})")
    return ids


def compute_expected(model: LlamaRef, req: Dict[str, Any], max_logits_vocab: int = MAX_LOGITS_VOCAB) -> Dict[str, Any]:
    """Every output the requests ask for; floats as JSON numbers at full double precision."""
    V = model.cfg.vocab_size
    out: Dict[str, Any] = {
        "family": model.cfg.family,
        "vocabSize": V,
        "computeDtype": str(model.dtype).replace("torch.", ""),
        "fileDtypes": sorted(set(model.file_dtypes.values())),
        "sequences": [], "greedy": [], "answers": [], "grads": [],
    }
    for i, seq in enumerate(req.get("sequences", [])):
        want_logits = not isinstance(seq, dict) or bool(seq.get("logits", True))
        ids = _check_ids(seq["ids"] if isinstance(seq, dict) else seq, V, f"sequences[{i}]")
        lp, _ = next_token_logprobs(model, ids)
        entry = {"ids": ids, "logprobs": lp.tolist()}
        if want_logits and V <= max_logits_vocab:
            with torch.no_grad():
                entry["logits"] = model.forward(ids).tolist()
        out["sequences"].append(entry)
    for i, g in enumerate(req.get("greedy", [])):
        prompt = _check_ids(g["prompt"], V, f"greedy[{i}].prompt")
        tokens, margins = greedy(model, prompt, int(g["steps"]))
        out["greedy"].append({"prompt": prompt, "tokens": tokens, "margins": margins})
    for i, a in enumerate(req.get("answers", [])):
        prefix, answer = _check_ids(a["prefix"], V, f"answers[{i}].prefix"), _check_ids(a["answer"], V, f"answers[{i}].answer")
        lp = answer_logprobs(model, prefix, answer)
        out["answers"].append({"prefix": prefix, "answer": answer, "logprobs": lp.tolist(), "J": float(lp.mean())})
    for i, g in enumerate(req.get("grads", [])):
        ids = _check_ids(g["ids"], V, f"grads[{i}].ids")
        value, grads = weighted_logprob_grads(model, ids, [float(w) for w in g["weights"]])
        out["grads"].append({
            "ids": ids, "weights": g["weights"], "value": value,
            "grads": {k: {"shape": list(v.shape), "values": v.reshape(-1).tolist()} for k, v in grads.items()},
        })
    return out


def _key(model: LlamaRef, req: Dict[str, Any], max_logits_vocab: int) -> str:
    """Same parameters bit for bit, same requests → same outputs (a sharded copy of a single file)."""
    h = hashlib.sha256(json.dumps([req, max_logits_vocab, str(model.dtype), model.raw_config], sort_keys=True).encode())
    for k in sorted(model.params):
        h.update(k.encode())
        h.update(model.params[k].numpy().tobytes())
    return h.hexdigest()


def run_job(model_dir: str, ids: Any, out_path: str, float64: bool = False, max_logits_vocab: int = MAX_LOGITS_VOCAB,
            memo: Dict[str, Dict[str, Any]] = None) -> None:
    model = LlamaRef.from_folder(model_dir, torch.float64 if float64 else torch.float32)
    req = _requests(ids)
    key = _key(model, req, max_logits_vocab) if memo is not None else None
    if key is None or key not in memo:
        computed = compute_expected(model, req, max_logits_vocab)
        if key is not None:
            memo[key] = computed
    else:
        computed = memo[key]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"model": model_dir, **computed}, f)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m repro_rl.llama_ref", description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir", nargs="?", help="a Hugging Face model folder (config.json + safetensors)")
    ap.add_argument("--ids", help="requests JSON (see the module docstring)")
    ap.add_argument("--out", help="where to write the expected outputs (JSON)")
    ap.add_argument("--float64", action="store_true", help="compute in float64 instead of float32")
    ap.add_argument("--max-logits-vocab", type=int, default=MAX_LOGITS_VOCAB, help="write full logits when V ≤ this")
    ap.add_argument("--jobs", help="a JSON list of jobs run in this one process")
    a = ap.parse_args(argv)
    torch.set_num_threads(1)  # tiny models: threads cost more than they give on a shared machine
    if a.jobs:
        with open(a.jobs, encoding="utf-8") as f:
            jobs = json.load(f)
        t0 = time.perf_counter()
        memo: Dict[str, Dict[str, Any]] = {}
        for j in jobs:
            run_job(j["model"], j["ids"], j["out"], bool(j.get("float64", False)), int(j.get("maxLogitsVocab", MAX_LOGITS_VOCAB)), memo)
        print(f"llama_ref: {len(jobs)} jobs ({len(memo)} distinct) in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
        return 0
    if not (a.model_dir and a.ids and a.out):
        ap.error("give <model_dir> --ids FILE --out FILE, or --jobs FILE")
    run_job(a.model_dir, a.ids, a.out, a.float64, a.max_logits_vocab)
    return 0
