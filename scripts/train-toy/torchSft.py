"""SFT of the toy GPT-2 in PyTorch (float32, CPU threads): the engine's architecture exactly
(src/engine/cpu/gpt.ts: learned positions, pre-LN blocks, causal attention, tanh GELU, tied output
head) and runSft's recipe (mean CE over target tokens, AdamW with bias correction, global-norm
clipping, linear warmup + cosine), on the batches scripts/train-toy/dumpBatches.ts wrote.
Why it exists: on a 2-core shared machine the float64 TypeScript reference runs ~7 s per step;
this runs the same steps in milliseconds. scripts/trainToy.ts --engine torch drives it and checks
the result against the TypeScript CPU model (loss of a batch, both implementations).
Usage: python3 torchSft.py DIR   (reads DIR/job.json, batches.bin, init.f32; writes params.f32,
losses.json)."""
import json, math, os, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("TOY_TORCH_THREADS", "1")))
PRINT_EVERY = int(os.environ.get("TOY_PRINT_EVERY", "100"))
d = sys.argv[1]
job = json.load(open(f"{d}/job.json"))
m, sft = job["model"], job["sft"]
V, C, L, NH = m["vocabSize"], m["nEmbd"], m["nLayer"], m["nHead"]
flat = np.fromfile(f"{d}/init.f32", dtype=np.float32)
shapes = {"wte": [V, C], "wpe": [m["blockSize"], C], "ln1w": [L, C], "ln1b": [L, C], "qkvw": [L, 3 * C, C],
          "qkvb": [L, 3 * C], "attprojw": [L, C, C], "attprojb": [L, C], "ln2w": [L, C], "ln2b": [L, C],
          "fcw": [L, 4 * C, C], "fcb": [L, 4 * C], "fcprojw": [L, C, 4 * C], "fcprojb": [L, C], "lnfw": [C], "lnfb": [C]}
P = {}
for e in job["layout"]:
    P[e["name"]] = torch.tensor(flat[e["offset"]:e["offset"] + e["size"]].reshape(shapes[e["name"]]), dtype=torch.float32, requires_grad=True)


def gelu(x):  # GPT-2 tanh approximation (src/engine/cpu/layers/gelu.ts)
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def forward(inp):
    B, T = inp.shape
    x = P["wte"][inp] + P["wpe"][:T]
    mask = torch.full((T, T), float("-inf")).triu(1)
    for l in range(L):
        h = F.layer_norm(x, (C,), P["ln1w"][l], P["ln1b"][l], 1e-5)
        qkv = h @ P["qkvw"][l].T + P["qkvb"][l]
        q, k, v = qkv.split(C, dim=-1)
        q, k, v = (t.view(B, T, NH, C // NH).transpose(1, 2) for t in (q, k, v))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(C // NH) + mask, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + y @ P["attprojw"][l].T + P["attprojb"][l]
        h = F.layer_norm(x, (C,), P["ln2w"][l], P["ln2b"][l], 1e-5)
        x = x + gelu(h @ P["fcw"][l].T + P["fcb"][l]) @ P["fcprojw"][l].T + P["fcprojb"][l]
    x = F.layer_norm(x, (C,), P["lnfw"], P["lnfb"], 1e-5)
    return x @ P["wte"].T


def lr_at(step):  # learningRateAt (src/engine/sft.ts)
    if step < sft["warmupSteps"]:
        return sft["learningRate"] * (step + 1) / sft["warmupSteps"]
    decay = max(1, sft["steps"] - sft["warmupSteps"])
    prog = min(1, (step - sft["warmupSteps"]) / decay)
    lo = sft["learningRate"] * sft["minLrRatio"]
    return lo + 0.5 * (1 + math.cos(math.pi * prog)) * (sft["learningRate"] - lo)


raw = open(f"{d}/batches.bin", "rb").read()
B = sft["batchSize"]
batches, at = [], 0
while at < len(raw):
    (T,) = struct.unpack_from("<H", raw, at)
    at += 2
    a = np.frombuffer(raw, dtype=np.int8, count=2 * B * T, offset=at).astype(np.int64)
    at += 2 * B * T
    batches.append((torch.tensor(a[:B * T].reshape(B, T)), torch.tensor(a[B * T:].reshape(B, T))))
assert len(batches) == sft["steps"], (len(batches), sft["steps"])

decay = [n for n in P if n in ("wte", "wpe", "qkvw", "attprojw", "fcw", "fcprojw")]
opt = torch.optim.AdamW([{"params": [P[n] for n in decay], "weight_decay": sft["weightDecay"]},
                         {"params": [P[n] for n in P if n not in decay], "weight_decay": 0.0}],
                        lr=sft["learningRate"], betas=(sft["beta1"], sft["beta2"]), eps=sft["eps"])
logs, t0 = [], time.time()
for step, (inp, tgt) in enumerate(batches):
    lr = lr_at(step)
    for g in opt.param_groups:
        g["lr"] = lr
    logits = forward(inp)
    loss = F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1), ignore_index=-1)
    opt.zero_grad()
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(list(P.values()), sft["gradClip"] if sft["gradClip"] > 0 else float("inf"))
    opt.step()
    logs.append({"step": step, "loss": loss.item(), "gradNorm": gn.item(), "lr": lr, "tokensPerS": 0, "skipped": False})
    if step % PRINT_EVERY == 0 or step == len(batches) - 1:
        print(f"step {step} loss {loss.item():.4f} gradNorm {gn.item():.3f} lr {lr:.2e} ({time.time() - t0:.0f} s)", flush=True)
with torch.no_grad():  # the cross-check: loss of the first batch under the final weights
    inp, tgt = batches[0]
    check = F.cross_entropy(forward(inp).reshape(-1, V), tgt.reshape(-1), ignore_index=-1).item()
out = np.concatenate([P[e["name"]].detach().numpy().astype(np.float32).reshape(-1) for e in job["layout"]])
out.tofile(f"{d}/params.f32")
json.dump({"logs": logs, "seconds": time.time() - t0, "checkLoss": check}, open(f"{d}/losses.json", "w"))
print(f"trained {len(batches)} steps in {time.time() - t0:.0f} s; first-batch loss after training {check:.6f}", flush=True)
