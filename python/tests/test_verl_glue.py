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
    """compute_log_prob as verl's actor: log p of `responses` given the rest, plus entropys. With
    `max_token_len` it asserts as verl 0.5's rearrange_micro_batches does under dynamic batching."""
    world_size = 2

    def __init__(self, model, max_token_len=None, world_size=2):
        self.model, self.rows_seen, self.max_token_len, self.widths = model, [], max_token_len, []
        self.world_size = world_size  # 1 for direct repro_step calls (the plugin pads to the worker count)

    def compute_log_prob(self, data):
        assert len(data) % self.world_size == 0  # the glue pads to the worker count
        t = data.batch
        max_seq_len = t["attention_mask"].shape[-1]
        self.widths.append(max_seq_len)
        if self.max_token_len is not None:
            assert self.max_token_len >= max_seq_len, (
                f"max_token_len must be greater than the sequence length. Got max_token_len={self.max_token_len} and max_seq_len={max_seq_len}")
        La = t["responses"].shape[1]
        logits = self.model(t["input_ids"], attention_mask=t["attention_mask"], position_ids=t["position_ids"]).logits
        lp = logits[:, -La - 1:-1].log_softmax(-1)
        self.rows_seen.append(len(data))
        return DataProto({"old_log_probs": lp.gather(-1, t["responses"][..., None])[..., 0],
                          "entropys": -(lp.exp() * lp).sum(-1)})


def rollout_batch(tok, rollouts=ROLLOUTS, uids=("u0", "u0", "u0", "u1")):
    ROLLOUTS = rollouts  # noqa: N806
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
    nt = {"uid": np.array(list(uids), dtype=object), "reward_model": np.array([{"ground_truth": a, "style": "rule"} for *_, a in ROLLOUTS], dtype=object)}
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


def _installed_plugin(monkeypatch, version="0.5"):
    env = install_standin(monkeypatch, version)
    import repro_rl.verl.plugin as plugin
    monkeypatch.setattr(plugin, "_STATE", {"trainer": None, "entropys": None, "installed": False})
    plugin.install()
    return env


def _trainer(env, repro, max_token_len=None):
    model, toy = ToyGPT.from_safetensors(TOY / "model.safetensors"), ToyTokenizer.from_dir(TOY)
    trainer = env.ray_trainer.RayPPOTrainer()
    trainer._wg = ToyWorkerGroup(model, max_token_len)
    trainer.tokenizer = HfLikeTokenizer(toy)
    rollout = {"temperature": 1.0}
    if max_token_len is not None:
        rollout.update(log_prob_use_dynamic_bsz=True, log_prob_max_token_len_per_gpu=max_token_len)
    trainer.config = OmegaConf.create({"repro": repro, "actor_rollout_ref": {"rollout": rollout, "actor": {"ulysses_sequence_parallel_size": 1}}})
    trainer.init_workers()
    return trainer, model, toy


@pytest.mark.parametrize("norm", [True, False])
def test_grpo_outcome_term_is_verls(monkeypatch, norm):
    """α = 0: repro_grpo = verl 0.5.0's compute_grpo_outcome_advantage (copied in verl_standin), with a
    group of one (verl: R / (1 + ε)), an all-equal group and norm_adv_by_std_in_grpo either way."""
    from verl_standin import compute_grpo_outcome_advantage
    g = torch.Generator().manual_seed(3)
    B, T = 10, 7
    index = np.array(["solo", "a", "a", "b", "b", "b", "same", "same", "c", "c"], dtype=object)
    R = (torch.rand(B, generator=g) > 0.5).float()
    R[6] = R[7] = 1.0
    R[0] = 1.0
    mask = (torch.arange(T)[None, :] < torch.randint(1, T + 1, (B, 1), generator=g)).long()
    tlr = torch.zeros(B, T)
    for i in range(B):
        tlr[i, int(mask[i].sum()) - 1] = R[i]
    want, _ = compute_grpo_outcome_advantage(tlr.clone(), mask, index, norm_adv_by_std_in_grpo=norm)
    zeros = torch.zeros(B, T)
    got, _ = repro_grpo_advantages(tlr, mask, index, zeros, zeros.bool(), 0.0, 1e-6, norm)
    assert torch.allclose(got, want.double(), atol=1e-6)
    assert got[0, 0].item() == pytest.approx(1.0 / (1.0 + 1e-6) if norm else 1.0, abs=1e-12)
    # … and through the plugin: the flag verl's fit passes reaches the estimator
    env = _installed_plugin(monkeypatch)
    trainer, _, _ = _trainer(env, {"process_reward_coef": 0.0, "estimator": "grpo"})
    data = DataProto({"token_level_rewards": tlr, "response_mask": mask, "responses": mask, "attention_mask": mask}, {"uid": index})
    out = env.ray_trainer.compute_advantage(data, "grpo", norm_adv_by_std_in_grpo=norm, config=None)
    assert torch.allclose(out.batch["advantages"].double(), want.double(), atol=1e-6)


def test_compute_advantage_takes_verl_041s_call(monkeypatch):
    """verl 0.4.1's fit passes multi_turn=…: accepted (single turn), handed on to 0.4.1's original for
    other estimators, refused with a clear error for multi-turn RePro."""
    env = _installed_plugin(monkeypatch, "0.4.1")
    trainer, _, toy = _trainer(env, {"process_reward_coef": 0.0, "estimator": "grpo"})
    data, _, _ = rollout_batch(toy)
    kw = dict(adv_estimator="grpo", gamma=1.0, lam=1.0, num_repeat=4, norm_adv_by_std_in_grpo=True, config=None)
    out = env.ray_trainer.compute_advantage(data, multi_turn=False, **kw)
    assert out.batch["advantages"].shape == data.batch["responses"].shape
    assert env.ray_trainer.compute_advantage(data, **{**kw, "adv_estimator": "rloo"}, multi_turn=True).batch["advantages"] == "original"
    assert env.calls == [("rloo", True)]
    with pytest.raises(NotImplementedError, match="multi-turn"):
        env.ray_trainer.compute_advantage(data, multi_turn=True, **kw)


def test_probe_rows_beyond_the_dynamic_batching_limit(monkeypatch):
    """A long CoT: the probe rows of its late boundaries exceed log_prob_max_token_len_per_gpu. They are
    not probed (the tab's scorer drops what exceeds its block the same way), the rest go out in calls no
    wider than the limit (verl would assert otherwise), and every J probed equals the unlimited run's."""
    env = _installed_plugin(monkeypatch)
    long_cot = "2+4=6\n\n" + "wait, 2+4=6\n\n" * 6 + "1+3=4\n\nAnswer: 46"
    rollouts = ROLLOUTS + [("12+34=?", long_cot, "46")]
    model, toy = ToyGPT.from_safetensors(TOY / "model.safetensors"), ToyTokenizer.from_dir(TOY)
    prompts = [toy.encode(toy.format_prompt(q)) for q, _, _ in rollouts]
    resps = [toy.encode(r) for _, r, _ in rollouts]
    T = max(map(len, resps))
    ent = torch.zeros(len(rollouts), T)
    for i, (p, r) in enumerate(zip(prompts, resps)):
        lp = model(torch.tensor([p + r])).logits[0, len(p) - 1:-1].log_softmax(-1)
        ent[i, :len(r)] = -(lp.exp() * lp).sum(-1)
    s = ReproSettings.from_config({"process_reward_coef": 0.3, "entropy_top_k": 8, "probe": "Answer: ", "cot_end": ["Answer: "]})
    answers = [a for *_, a in rollouts]
    full = repro_step(prompts, resps, ent, answers, toy.encode, toy.decode, s,
                      lambda t: ToyWorkerGroup(model, world_size=1).compute_log_prob(DataProto(t)).batch["old_log_probs"], T, 0)
    probe_len = len(toy.encode("Answer: ")) + len(toy.encode("46"))
    # the long CoT's last two boundaries no longer fit; its third-to-last row fits exactly, so with the
    # longer answer of another rollout ("125") one batch would be too wide: the rows must be split
    limit = len(prompts[-1]) + full.plans[-1].segment_ends[-3] + probe_len
    assert len(toy.encode("125")) > len(toy.encode("46"))
    wg = ToyWorkerGroup(model, max_token_len=limit, world_size=1)
    cut = repro_step(prompts, resps, ent, answers, toy.encode, toy.decode, s,
                     lambda t: wg.compute_log_prob(DataProto(t)).batch["old_log_probs"], T, 0, max_probe_len=limit)
    assert cut.unfit_boundaries > 0 and cut.unprobed == 0
    assert cut.probe_calls > 1 and max(wg.widths) <= limit
    for i in range(len(rollouts)):
        fits = [len(prompts[i]) + e + probe_len <= limit for e in full.plans[i].segment_ends]
        assert cut.plans[i].segment_ends == [e for e, f in zip(full.plans[i].segment_ends, fits) if f]
        want = [full.J[i][0]] + [j for j, f in zip(full.J[i][1:], fits) if f]
        assert cut.J[i] == pytest.approx(want, abs=1e-9)  # splitting and padding change no J
    assert len(cut.plans[-1].segment_ends) < len(full.plans[-1].segment_ends)
    # a limit below even J_0's row: that rollout is not probed at all, the others are
    tiny = repro_step(prompts, resps, ent, answers, toy.encode, toy.decode, s,
                      lambda t: ToyWorkerGroup(model, world_size=1).compute_log_prob(DataProto(t)).batch["old_log_probs"], T, 0,
                      max_probe_len=max(len(p) for p in prompts) + probe_len - 1)
    assert tiny.unprobed >= 1 and all(not j for j, p in zip(tiny.J, prompts) if len(p) + probe_len > max(len(p) for p in prompts) + probe_len - 1)
    from repro_rl.verl.plugin import probe_token_limit
    assert probe_token_limit(OmegaConf.create({"actor_rollout_ref": {"rollout": {"log_prob_use_dynamic_bsz": False}}})) is None
    sp = OmegaConf.create({"actor_rollout_ref": {"rollout": {"log_prob_use_dynamic_bsz": True, "log_prob_max_token_len_per_gpu": 100}, "actor": {"ulysses_sequence_parallel_size": 4}}})
    assert probe_token_limit(sp) == 400  # verl's dp_actor multiplies by the sequence-parallel size


def test_truncated_cot_through_the_plugin_with_dynamic_batching(monkeypatch):
    """verl's config sets log_prob_max_token_len_per_gpu = max prompt + max response (the export does):
    a response cut at the length limit inside its CoT makes probe rows longer than that (+ probe +
    answer). Through the plugin they are left out instead of tripping verl's assertion."""
    env = _installed_plugin(monkeypatch)
    repro = {"process_reward_coef": 0.3, "entropy_top_k": 8, "probe": "Answer: ", "cot_end": ["Answer: "], "estimator": "grpo"}
    truncated = ("12+34=?", "2+4=6\n\n" + "wait, 2+4=6\n\n" * 6, "46")  # no answer: cut at the length limit
    rollouts = ROLLOUTS + [truncated, ROLLOUTS[3]]
    model, toy = ToyGPT.from_safetensors(TOY / "model.safetensors"), ToyTokenizer.from_dir(TOY)
    data, prompts, resps = rollout_batch(toy, rollouts, ("u0", "u0", "u0", "u1", "u0", "u1"))
    limit = data.batch["input_ids"].shape[1]  # max prompt + max response: the rollout pass fits exactly
    trainer, _, _ = _trainer(env, repro, max_token_len=limit)
    assert probe_token_limit_of(trainer) == limit
    trainer.actor_rollout_wg.compute_log_prob(data)  # the rollout's pass (entropys), within the limit
    out = env.ray_trainer.compute_advantage(data, "grpo", config=None)
    m = out.meta_info["repro_metrics"]
    assert m["repro/unfit_boundaries"] > 0 and m["repro/unprobed_rollouts"] == 0
    assert max(trainer._wg.widths) <= limit
    assert torch.isfinite(out.batch["advantages"]).all()
    # the long rollout still gets process rewards on the boundaries that fit
    assert out.batch["repro_process_mask"][4].sum() > 0


def probe_token_limit_of(trainer):
    from repro_rl.verl.plugin import probe_token_limit
    return probe_token_limit(trainer.config)


@pytest.mark.parametrize("estimator", ["gae", "reinforce_plus_plus"])
def test_process_reward_norm_group_through_the_plugin(monkeypatch, estimator):
    """repro.process_reward_norm "group": each group's r_j normalised over the group (§9's scaling)
    before α in the token rewards, as src/rl/estimators/stepEstimates.ts; by hand, then through the plugin."""
    from repro_rl.rollout.estimators import repro_reinforce_pp_advantages, with_process_term
    tlr = torch.zeros(3, 4)
    pr = torch.tensor([[0.0, 0.3, 0.0, 0.1], [0.0, 0.0, 0.0, 0.0], [0.6, 0.0, 0.0, 0.0]], dtype=torch.float64)
    pm = torch.tensor([[False, True, False, True], [False] * 4, [True, False, False, False]])
    got = with_process_term(tlr, pr, 0.5, "group", pm, ["g", "g", "h"])
    z = 0.1 / (0.02 ** 0.5 + 1e-6)  # group g: 0.3, 0.1 → ±z; group h: one reward → 0
    assert sum(got.tolist(), []) == pytest.approx([0, 0.5 * z, 0, -0.5 * z] + [0] * 8, abs=1e-12)
    with pytest.raises(ValueError):
        with_process_term(tlr, pr, 0.5, "group")
    env = _installed_plugin(monkeypatch)
    repro = {"process_reward_coef": 0.3, "entropy_top_k": 2, "probe": "Answer: ", "cot_end": ["Answer: "], "estimator": estimator, "process_reward_norm": "group"}
    trainer, model, toy = _trainer(env, repro)
    data, prompts, resps = rollout_batch(toy)
    trainer.actor_rollout_wg.compute_log_prob(data)
    out = env.ray_trainer.compute_advantage(data, estimator, gamma=1.0, lam=1.0, config=None)
    b, m, idx = out.batch, data.batch["response_mask"], data.non_tensor_batch["uid"]
    if estimator == "gae":
        want, _ = repro_gae_advantages(b["token_level_rewards"], b["values"], m, b["repro_process_rewards"], 0.3, 1.0, 1.0, "group", b["repro_process_mask"], idx)
    else:
        want, _ = repro_reinforce_pp_advantages(b["token_level_rewards"], m, b["repro_process_rewards"], 0.3, 1.0, "group", b["repro_process_mask"], idx)
    raw, _ = (repro_gae_advantages(b["token_level_rewards"], b["values"], m, b["repro_process_rewards"], 0.3, 1.0, 1.0) if estimator == "gae"
              else repro_reinforce_pp_advantages(b["token_level_rewards"], m, b["repro_process_rewards"], 0.3))
    assert torch.allclose(b["advantages"].double(), want, atol=1e-5)
    assert not torch.allclose(want, raw, atol=1e-3)  # the option changes the advantages
