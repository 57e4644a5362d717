"""repro_rl.verl's glue run against stand-ins of verl's API (tests/verl_standin.py; real verl is not
installable here): loading reward.py as verl does registers the estimators and wraps the trainer;
the wrapped compute_advantage probes through the worker group and gives the framework-free result."""
import importlib.util

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from conftest import REPO, HERE
from repro_rl.outcome import extract_final_answer, outcome_reward
from repro_rl.rollout.estimators import repro_gae_advantages, repro_grpo_advantages
from repro_rl.rollout.step import repro_step
from repro_rl.settings import ReproSettings
from repro_rl.toy_model import ToyGPT
from repro_rl.toy_tokenizer import ToyTokenizer
from verl_standin import DataProto, install_standin

TOY = REPO / "public" / "models" / "toy-reasoner"
ROLLOUTS = [
    ("12+34=?", "2+4=6\n\n1+3=4\n\nAnswer: 46", "46"),
    ("12+34=?", "2+4=6\n\nwait, 2+4=6\n\n1+3=4\n\nAnswer: 46", "46"),
    ("12+34=?", "2+4=6\n\n1+3=5\n\nAnswer: 56", "46"),
    ("57+68=?", "7+8=15\n\n5+6+1=12\n\nAnswer: 125", "125"),
]


class HfLikeTokenizer:
    pad_token_id = 0

    def __init__(self, tok):
        self.tok = tok

    def encode(self, s, add_special_tokens=True):
        return self.tok.encode(s)

    def decode(self, ids, skip_special_tokens=False):
        return self.tok.decode(ids)


class ToyWorkerGroup:
    """compute_log_prob as verl's actor: log p of `responses` given the rest, plus entropys."""
    world_size = 2

    def __init__(self, model):
        self.model, self.rows_seen = model, []

    def compute_log_prob(self, data):
        assert len(data) % self.world_size == 0  # the glue pads to the worker count
        t = data.batch
        La = t["responses"].shape[1]
        logits = self.model(t["input_ids"], attention_mask=t["attention_mask"], position_ids=t["position_ids"]).logits
        lp = logits[:, -La - 1:-1].log_softmax(-1)
        self.rows_seen.append(len(data))
        return DataProto({"old_log_probs": lp.gather(-1, t["responses"][..., None])[..., 0],
                          "entropys": -(lp.exp() * lp).sum(-1)})


def rollout_batch(tok):
    prompts = [tok.encode(tok.format_prompt(q)) for q, _, _ in ROLLOUTS]
    resps = [tok.encode(r) for _, r, _ in ROLLOUTS]
    P, T = max(map(len, prompts)), max(map(len, resps))
    B = len(ROLLOUTS)
    ids = torch.zeros(B, P + T, dtype=torch.long)
    mask = torch.zeros(B, P + T, dtype=torch.long)
    for i, (p, r) in enumerate(zip(prompts, resps)):
        ids[i, P - len(p):P] = torch.tensor(p)
        ids[i, P:P + len(r)] = torch.tensor(r)
        mask[i, P - len(p):P + len(r)] = 1
    pos = (mask.cumsum(1) - 1).clamp(min=0)
    outcome = torch.tensor([outcome_reward(r, a) for _, r, a in ROLLOUTS])
    tlr = torch.zeros(B, T)
    for i, r in enumerate(resps):
        tlr[i, len(r) - 1] = outcome[i]
    batch = {"input_ids": ids, "attention_mask": mask, "position_ids": pos, "responses": ids[:, P:],
             "response_mask": mask[:, P:], "token_level_rewards": tlr, "values": torch.linspace(0, 1, T).expand(B, T).clone()}
    nt = {"uid": np.array(["u0", "u0", "u0", "u1"], dtype=object), "reward_model": np.array([{"ground_truth": a, "style": "rule"} for *_, a in ROLLOUTS], dtype=object)}
    return DataProto(batch, nt), prompts, resps


def test_outcome_reward():
    assert outcome_reward("… so \\boxed{4{2}} done", "4{2}") == 1.0
    assert outcome_reward("x\n\nAnswer: 46", "46") == 1.0 and outcome_reward("Answer: 45", "46") == 0.0
    assert extract_final_answer("The final answer is $12$.") == "12"
    assert extract_final_answer("no answer") is None


@pytest.mark.parametrize("estimator", ["grpo", "gae", "reinforce_plus_plus"])
def test_plugin_probes_through_the_worker_group(monkeypatch, estimator):
    env = install_standin(monkeypatch)
    import repro_rl.verl.plugin as plugin
    monkeypatch.setattr(plugin, "_STATE", {"trainer": None, "entropys": None, "installed": False})
    # As verl's get_custom_reward_fn: load the file by path and take compute_score.
    spec = importlib.util.spec_from_file_location("custom_module", REPO / "python" / "repro_rl" / "verl" / "reward.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.compute_score("repro-playground/toy", "Answer: 46", "46") == 1.0
    assert {"repro_grpo", "repro_gae", "repro_reinforce_plus_plus"} <= set(env.registry)

    model, toy = ToyGPT.from_safetensors(TOY / "model.safetensors"), ToyTokenizer.from_dir(TOY)
    trainer = env.ray_trainer.RayPPOTrainer()
    trainer._wg = ToyWorkerGroup(model)
    trainer.tokenizer = HfLikeTokenizer(toy)
    repro = {"process_reward_coef": 0.3, "entropy_top_k": 2, "probe": "Answer: ", "cot_end": ["Answer: "], "estimator": estimator}
    trainer.config = OmegaConf.create({"repro": repro, "actor_rollout_ref": {"rollout": {"temperature": 1.0}}})
    trainer.init_workers()
    data, prompts, resps = rollout_batch(toy)
    old = trainer.actor_rollout_wg.compute_log_prob(data)  # the rollout's old-log-prob pass (entropys tapped)
    out = env.ray_trainer.compute_advantage(data, estimator, gamma=1.0, lam=0.95, config=None)

    s = ReproSettings.from_config(repro)
    ref = repro_step(prompts, resps, old.batch["entropys"], [a for *_, a in ROLLOUTS], toy.encode, toy.decode, s,
                     lambda t: ToyWorkerGroup(model).compute_log_prob(DataProto(t)).batch["old_log_probs"],
                     data.batch["responses"].shape[1], 0)
    assert torch.allclose(out.batch["repro_process_rewards"].double(), ref.process_rewards, atol=1e-6)
    assert trainer.actor_rollout_wg.rows_seen[-1] % 2 == 0 and trainer.actor_rollout_wg.rows_seen[-1] >= ref.probe_rows
    m = data.batch["response_mask"]
    if estimator == "grpo":
        want, _ = repro_grpo_advantages(data.batch["token_level_rewards"], m, data.non_tensor_batch["uid"], ref.process_rewards, ref.process_mask, 0.3)
    elif estimator == "gae":
        want, _ = repro_gae_advantages(data.batch["token_level_rewards"], data.batch["values"], m, ref.process_rewards, 0.3, 1.0, 0.95)
    else:
        from repro_rl.rollout.estimators import repro_reinforce_pp_advantages
        want, _ = repro_reinforce_pp_advantages(data.batch["token_level_rewards"], m, ref.process_rewards, 0.3)
    assert torch.allclose(out.batch["advantages"].double(), want, atol=1e-5)
    assert out.batch["advantages"].abs().sum() > 0
    # Any other estimator goes to verl's own compute_advantage untouched.
    assert env.ray_trainer.compute_advantage(data, "rloo").batch["advantages"] == "original"
    assert env.calls == ["rloo"]
