"""Gradients of the reference (autograd through plain torch ops) against central finite differences
in float64, for every weight tensor of every standard configuration — what issue #22's backward
checks lean on — and the CLI's outputs against the library calls."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from llama_models import STANDARD, random_weights
from repro_rl.llama_ref import LlamaRef, parse_config, weighted_logprob, weighted_logprob_grads, write_folder

IDS = [5, 1, 33, 20, 20, 7, 38]
WEIGHTS = [0.5, -1.0, 2.0, 0.25, 1.5, -0.75]


@pytest.mark.parametrize("name", sorted(STANDARD))
def test_gradients_match_central_differences(name):
    config = STANDARD[name]
    model = LlamaRef(parse_config(config), {k: torch.from_numpy(v).to(torch.float64) for k, v in random_weights(config, 8).items()})
    value, grads = weighted_logprob_grads(model, IDS, WEIGHTS)
    assert set(grads) == set(model.params)
    rng = np.random.default_rng(9)
    h = 1e-6
    checked = 0
    for k, p in model.params.items():
        g = grads[k].reshape(-1)
        flat_idx = rng.choice(p.numel(), size=min(4, p.numel()), replace=False)
        for i in flat_idx:
            def at(delta):
                q = dict(model.params)
                moved = p.clone().reshape(-1)
                moved[i] += delta
                q[k] = moved.reshape(p.shape)
                return float(weighted_logprob(q, model, IDS, WEIGHTS))
            fd = (at(h) - at(-h)) / (2 * h)
            assert abs(fd - float(g[i])) <= 1e-6 * max(1.0, abs(fd)), (k, int(i), fd, float(g[i]))
            checked += 1
    assert checked > 40
    assert abs(value - float(weighted_logprob(model.params, model, IDS, WEIGHTS))) < 1e-12
    # Rows of the embedding no input token and (untied) no logit uses get no gradient; used rows do.
    emb = grads["model.embed_tokens.weight"]
    if not model.cfg.tie_word_embeddings:
        assert float(emb[2].abs().max()) == 0.0 and float(emb[5].abs().max()) > 0


def test_cli_writes_what_the_library_computes(tmp_path):
    config = STANDARD["qwen3-qknorm"]
    w = random_weights(config, 10)
    write_folder(str(tmp_path / "m"), config, w, "BF16", shards=2)
    req = {
        "sequences": [IDS, IDS[:3]],
        "greedy": [{"prompt": IDS[:4], "steps": 5}],
        "answers": [{"prefix": IDS[:4], "answer": [9, 11]}, {"prefix": IDS[:2], "answer": [9, 11]}],
        "grads": [{"ids": IDS[:3], "weights": [1.0, 1.0]}],
    }
    (tmp_path / "req.json").write_text(json.dumps(req))
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(__file__), ".."))
    r = subprocess.run([sys.executable, "-m", "repro_rl.llama_ref", str(tmp_path / "m"), "--ids", str(tmp_path / "req.json"),
                        "--out", str(tmp_path / "out.json")], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["fileDtypes"] == ["BF16"] and out["computeDtype"] == "float32" and out["vocabSize"] == 40
    model = LlamaRef.from_folder(str(tmp_path / "m"))
    logits = torch.tensor(out["sequences"][0]["logits"])
    assert torch.equal(logits, model.forward(IDS))
    lp = torch.log_softmax(logits.double(), -1)
    want = [float(lp[t, IDS[t + 1]]) for t in range(len(IDS) - 1)]
    assert np.allclose(out["sequences"][0]["logprobs"], want, atol=1e-5)
    assert len(out["sequences"][1]["logprobs"]) == 2
    g = out["greedy"][0]
    seq = IDS[:4] + g["tokens"]
    for j, tok in enumerate(g["tokens"]):  # each greedy token is the argmax after the ones before it
        assert tok == int(model.forward(seq[:4 + j])[-1].argmax())
    assert len(g["margins"]) == 5 and min(g["margins"]) >= 0
    # The answer log-probs after a prefix are the sequence log-probs at the answer's positions.
    a = out["answers"][0]
    full = torch.log_softmax(model.forward(IDS[:4] + [9, 11]).double(), -1)
    assert np.allclose(a["logprobs"], [float(full[3, 9]), float(full[4, 11])], atol=1e-5)
    assert abs(a["J"] - sum(a["logprobs"]) / 2) < 1e-12
    grads = out["grads"][0]["grads"]
    assert grads["model.norm.weight"]["shape"] == [16] and len(grads["model.embed_tokens.weight"]["values"]) == 40 * 16
    bad = dict(req, sequences=[[0, 40]])
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    r = subprocess.run([sys.executable, "-m", "repro_rl.llama_ref", str(tmp_path / "m"), "--ids", str(tmp_path / "bad.json"),
                        "--out", str(tmp_path / "bad_out.json")], env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "token id 40 is outside the vocabulary [0, 40)" in r.stderr
