"""SFT of the toy Llama (LlamaForCausalLM: RMSNorm, rotary, GQA, SwiGLU, tied embeddings) in PyTorch
(float32, CPU threads), on the batches scripts/train-toy/dumpBatches.ts wrote, with torchSft.py's
recipe (mean CE over target tokens, AdamW with bias correction, global-norm clipping, linear warmup +
cosine). The forward IS the torch reference's (python/repro_rl/llama_ref/model.py, transformers'
formulas), so the trained weights are exactly what our engine and its float64 CPU reference run.
Usage: python3 torchLlamaSft.py DIR   (reads DIR/job.json {config, sft, initSeed} and batches.bin;
writes DIR/model.safetensors (F32, hub tensor names) and DIR/losses.json)."""
import json, math, os, struct, sys, time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from repro_rl.llama_ref.config import parse_config  # noqa: E402
from repro_rl.llama_ref.model import forward  # noqa: E402

torch.set_num_threads(int(os.environ.get("TOY_TORCH_THREADS", "1")))
PRINT_EVERY = int(os.environ.get("TOY_PRINT_EVERY", "100"))
INIT_STD = 0.02  # LlamaPreTrainedModel._init_weights: normal(0, initializer_range), RMSNorm weights 1


def tensor_shapes(c):
    """Hub names → shapes, in transformers' state-dict order (tied: no lm_head)."""
    C, V, I, HD = c.hidden_size, c.vocab_size, c.intermediate_size, c.head_dim
    QD, KVD = c.num_heads * HD, c.num_kv_heads * HD
    out = [("model.embed_tokens.weight", [V, C])]
    for l in range(c.num_layers):
        p = f"model.layers.{l}."
        out += [(p + "self_attn.q_proj.weight", [QD, C]), (p + "self_attn.k_proj.weight", [KVD, C]),
                (p + "self_attn.v_proj.weight", [KVD, C]), (p + "self_attn.o_proj.weight", [C, QD]),
                (p + "mlp.gate_proj.weight", [I, C]), (p + "mlp.up_proj.weight", [I, C]), (p + "mlp.down_proj.weight", [C, I]),
                (p + "input_layernorm.weight", [C]), (p + "post_attention_layernorm.weight", [C])]
    out.append(("model.norm.weight", [C]))
    if not c.tie_word_embeddings:
        out.append(("lm_head.weight", [V, C]))
    return out


def init_params(c, seed):
    g = torch.Generator().manual_seed(seed)
    P = {}
    for name, shape in tensor_shapes(c):
        t = torch.ones(shape) if len(shape) == 1 else torch.randn(shape, generator=g) * INIT_STD
        P[name] = t.requires_grad_(True)
    return P


def lr_at(sft, step):  # learningRateAt (src/engine/sft.ts)
    if step < sft["warmupSteps"]:
        return sft["learningRate"] * (step + 1) / sft["warmupSteps"]
    decay = max(1, sft["steps"] - sft["warmupSteps"])
    prog = min(1, (step - sft["warmupSteps"]) / decay)
    lo = sft["learningRate"] * sft["minLrRatio"]
    return lo + 0.5 * (1 + math.cos(math.pi * prog)) * (sft["learningRate"] - lo)


def read_batches(path, B):
    raw = open(path, "rb").read()
    batches, at = [], 0
    while at < len(raw):
        (T,) = struct.unpack_from("<H", raw, at)
        at += 2
        a = np.frombuffer(raw, dtype=np.int8, count=2 * B * T, offset=at).astype(np.int64)
        at += 2 * B * T
        batches.append((torch.tensor(a[:B * T].reshape(B, T)), torch.tensor(a[B * T:].reshape(B, T))))
    return batches


def write_safetensors(path, tensors, metadata):
    """F32 tensors in the safetensors layout: u64 header length, JSON header (8-byte aligned), data."""
    header, blobs, at = {"__metadata__": metadata}, [], 0
    for name, t in tensors:
        b = np.ascontiguousarray(t.detach().numpy(), dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def blas_in_use():
    """The BLAS library torch's matmuls run on (Debian's reference libblas is ~4× slower than OpenBLAS)."""
    try:
        libs = {l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and l.split()[-1].startswith("/")}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def main(d):
    job = json.load(open(f"{d}/job.json"))
    torch.ones(2, 2) @ torch.ones(2, 2)  # loads the BLAS
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), BLAS {blas_in_use()}", flush=True)
    cfg, sft = parse_config(job["config"]), job["sft"]
    V = cfg.vocab_size
    P = init_params(cfg, job["initSeed"])
    batches = read_batches(f"{d}/batches.bin", sft["batchSize"])
    assert len(batches) == sft["steps"], (len(batches), sft["steps"])
    # weight decay on 2-D weights only (as runSft / AdamW in src/engine); the toy recipe uses 0
    decay = [n for n, t in P.items() if t.dim() == 2]
    opt = torch.optim.AdamW([{"params": [P[n] for n in decay], "weight_decay": sft["weightDecay"]},
                             {"params": [P[n] for n in P if n not in decay], "weight_decay": 0.0}],
                            lr=sft["learningRate"], betas=(sft["beta1"], sft["beta2"]), eps=sft["eps"])
    clip = sft["gradClip"] if sft["gradClip"] > 0 else float("inf")
    logs, t0 = [], time.time()
    for step, (inp, tgt) in enumerate(batches):
        lr = lr_at(sft, step)
        for g in opt.param_groups:
            g["lr"] = lr
        ts = time.time()
        loss = F.cross_entropy(forward(P, cfg, inp).reshape(-1, V), tgt.reshape(-1), ignore_index=-1)
        opt.zero_grad()
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(list(P.values()), clip)
        opt.step()
        n_tok = int((tgt >= 0).sum())
        logs.append({"step": step, "loss": loss.item(), "gradNorm": gn.item(), "lr": lr,
                     "tokensPerS": n_tok / max(1e-9, time.time() - ts), "skipped": False})
        if step % PRINT_EVERY == 0 or step == len(batches) - 1:
            print(f"step {step} loss {loss.item():.4f} gradNorm {gn.item():.3f} lr {lr:.2e} ({time.time() - t0:.0f} s)", flush=True)
    seconds = time.time() - t0
    with torch.no_grad():  # the cross-check: loss of the first batch under the final weights
        inp, tgt = batches[0]
        check = F.cross_entropy(forward(P, cfg, inp).reshape(-1, V), tgt.reshape(-1), ignore_index=-1).item()
    meta = {"format": "pt", "producer": "npm run train:toy -- --arch llama", "recipe": json.dumps(job["recipe"]),
            "sft_steps": str(len(batches))}
    write_safetensors(f"{d}/model.safetensors", [(n, P[n]) for n, _ in tensor_shapes(cfg)], meta)
    json.dump({"logs": logs, "seconds": seconds, "checkLoss": check, "threads": torch.get_num_threads()},
              open(f"{d}/losses.json", "w"))
    print(f"trained {len(batches)} steps in {seconds:.0f} s; first-batch loss after training {check:.6f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
