"""RUN ONLY ON THE DEVICE MACHINE (its image has transformers and peft; this machine has neither).
Not run in CI or by pytest; issue #22 §3 asks for it when a device machine is lent.

Loads our PEFT export the way a user would — AutoModelForCausalLM.from_pretrained(base) then
PeftModel.from_pretrained(model, adapter_dir) — and compares per-token log-probs of the given token
ids with:
  1. the merged folder loaded by transformers (merge written by src/engine/lora/mergeLora.ts),
  2. PEFT's own merge_and_unload() of the loaded adapter,
  3. our float64 torch reference (python/repro_rl/llama_ref) with W + s·B·A, and
  4. our engine's log-probs, when --engine FILE (JSON {"ids": [...], "logprobs": [...]}, log p of
     ids[t+1] after ids[:t+1], as the engine's 'logp' head reports them) is given.
Prints one JSON line with the largest absolute differences; exits 1 when any exceeds --tol.

  python python/scripts/peft_check.py --base DIR --adapter DIR [--merged DIR] [--engine FILE] [--ids 1,5,9] [--tol 1e-3]

The fixtures of python/tests/fixtures/peft/<case>/{base,adapter,merged} fit it as they are. A
half-precision base's merged folder holds W + s·B·A rounded to that dtype while PeftModel adds the
f32 update on the fly, so merged_folder_vs_peft is then of the order of the dtype's rounding
(bf16: 2^-9 relative per weight): give such runs a --tol that says so.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def token_logprobs(logits: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """log p(ids[t+1] | ids[:t+1]) for t = 0 … T−2, float64."""
    lp = torch.log_softmax(logits.double(), dim=-1)
    return lp[:-1].gather(-1, ids[1:, None])[:, 0]


def hf_logprobs(model, ids: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return token_logprobs(model(input_ids=ids[None]).logits[0], ids)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True)
    ap.add_argument("--adapter", required=True)
    ap.add_argument("--merged")
    ap.add_argument("--engine", help="JSON {ids, logprobs} from our engine")
    ap.add_argument("--ids", default="1,50,100,200,7,7,33,2,150")
    ap.add_argument("--tol", type=float, default=1e-3)
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    a = ap.parse_args(argv)

    from peft import PeftModel  # only on the device image
    from transformers import AutoModelForCausalLM

    dtype = getattr(torch, a.dtype)
    ids = torch.tensor([int(x) for x in a.ids.split(",")])
    engine = None
    if a.engine:
        engine = json.loads(Path(a.engine).read_text())
        ids = torch.tensor(engine["ids"])

    base = AutoModelForCausalLM.from_pretrained(a.base, torch_dtype=dtype).eval()
    peft_model = PeftModel.from_pretrained(base, a.adapter).eval()
    want = hf_logprobs(peft_model, ids)
    report = {"tokens": int(want.numel()), "peft_logprob_mean": float(want.mean())}

    # what PEFT loaded is what we wrote: no missing or unexpected LoRA weights
    n_lora = sum(1 for k, _ in peft_model.named_parameters() if "lora_" in k)
    report["peft_lora_tensors"] = n_lora

    diffs = {}
    if a.merged:
        merged = AutoModelForCausalLM.from_pretrained(a.merged, torch_dtype=dtype).eval()
        diffs["merged_folder_vs_peft"] = float((hf_logprobs(merged, ids) - want).abs().max())
    peft_merged = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(a.base, torch_dtype=dtype), a.adapter).merge_and_unload().eval()
    diffs["peft_merge_and_unload_vs_peft"] = float((hf_logprobs(peft_merged, ids) - want).abs().max())

    from repro_rl.llama_ref import LlamaRef
    from repro_rl.llama_ref.model import forward
    from repro_rl.safetensors_io import read_safetensors
    import math

    cfg = json.loads((Path(a.adapter) / "adapter_config.json").read_text())
    s = cfg["lora_alpha"] / (math.sqrt(cfg["r"]) if cfg.get("use_rslora") else cfg["r"])
    ref = LlamaRef.from_folder(a.base, dtype=torch.float64)
    adapter, _ = read_safetensors(str(Path(a.adapter) / "adapter_model.safetensors"))
    params = dict(ref.params)
    for key, A in adapter.items():
        if ".lora_A." in key:
            B = adapter[key.replace(".lora_A.", ".lora_B.")]
            name = key.removeprefix("base_model.model.").replace(".lora_A.weight", ".weight")
            params[name] = params[name] + s * (torch.from_numpy(B).double() @ torch.from_numpy(A).double())
    diffs["torch_reference_vs_peft"] = float((token_logprobs(forward(params, ref.cfg, ids), ids) - want).abs().max())
    if engine is not None:
        diffs["engine_vs_peft"] = float((torch.tensor(engine["logprobs"], dtype=torch.float64) - want).abs().max())

    report["max_abs_diff"] = diffs
    print(json.dumps(report))
    return 0 if all(v <= a.tol for v in diffs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
