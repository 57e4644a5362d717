"""The tab's "Export for verl" config (fixtures/verl_export, written by src/export/verl from
scripts/lib/verlFixture.ts) loaded by OmegaConf: the RePro values round-trip to the tab's settings
(settings.json of the same export) and the verl keys hold the mapped values with the right types."""
import json

import pytest
from omegaconf import OmegaConf

from conftest import FIXTURES
from repro_rl import segment_cot
from repro_rl.settings import ReproSettings

DIR = FIXTURES / "verl_export"


@pytest.fixture(scope="module")
def cfg():
    return OmegaConf.load(DIR / "repro_verl.yaml")


@pytest.fixture(scope="module")
def tab():
    return json.loads((DIR / "settings.json").read_text(encoding="utf-8"))


def resolved_as_verl_does(path):
    """verl 0.5's main_ppo: Hydra composes; the TaskRunner prints to_container(resolve=True), then
    OmegaConf.resolve(config) in place; the plugin reads the repro: block afterwards (dict of it)."""
    c = OmegaConf.load(path)
    OmegaConf.to_container(c, resolve=True)
    OmegaConf.resolve(c)
    OmegaConf.to_container(c, resolve=True)
    return dict(c.repro)


def test_repro_block_round_trips_to_the_tab_settings(cfg, tab):
    repro = OmegaConf.to_container(cfg.repro, resolve=True)
    s = ReproSettings.from_config(repro)
    assert {k: getattr(s, k) for k in tab["repro"]} == tab["repro"]  # every key, every value, exactly (floats too)
    assert s.probe == "\n</think>\n\nAnswer ${x}: \\boxed{"
    assert "probe" not in repro and "probe_b64" in repro  # "${" kept out of OmegaConf's reach
    # … through verl's repeated resolution too (an escaped "\\${" fails the second one)
    again = ReproSettings.from_config(resolved_as_verl_does(DIR / "repro_verl.yaml"))
    assert again.probe == s.probe and again.cot_end == tab["repro"]["cot_end"]
    assert isinstance(s.score_eps, float) and s.score_eps == 1e-5
    # The delimiter is the tab's RegExp source, applied as the TS would.
    assert segment_cot("a\nStep 2: b\nStep 3: c", s.delimiter()) == [(0, 9), (9, 19), (19, 21)]  # each delimiter ends the segment before it (§2)


def test_verl_keys_carry_the_tab_settings(cfg, tab):
    a = cfg.actor_rollout_ref
    assert a.model.path == tab["model"]
    assert a.rollout.n == tab["num_generations"]
    assert a.actor.optim.lr == tab["learning_rate"] and isinstance(a.actor.optim.lr, float)
    assert a.actor.clip_ratio == tab["epsilon"]
    assert a.actor.use_kl_loss is True and a.actor.kl_loss_coef == tab["beta"] and a.actor.kl_loss_type == "low_var_kl"
    assert cfg.data.max_response_length == tab["max_completion_length"]
    assert cfg.data.train_batch_size == tab["per_device_train_batch_size"]
    assert cfg.algorithm.adv_estimator == tab["estimator"] == "gae"
    assert cfg.algorithm.gamma == tab["gamma"] and cfg.algorithm.lam == tab["lam"]
    assert cfg.critic.enable is True and cfg.critic.optim.lr == tab["critic_lr"] and cfg.critic.cliprange_value == tab["cliprange_value"]
    assert cfg.trainer.total_training_steps == tab["total_steps"]
    assert list(cfg.defaults) == ["ppo_trainer", "_self_"]
    assert list(cfg.hydra.searchpath) == ["pkg://verl.trainer.config"]
    assert cfg.custom_reward_function.name == "compute_score"
    # Every float the config holds is a float for OmegaConf (PyYAML reads "1e-06" as a string).
    def walk(node, path=""):
        if OmegaConf.is_dict(node):
            for k in node:
                yield from walk(node[k], f"{path}.{k}")
        elif OmegaConf.is_list(node):
            for i, v in enumerate(node):
                yield from walk(v, f"{path}[{i}]")
        else:
            yield path, node
    for path, v in walk(cfg):
        if isinstance(v, str):
            assert not v.replace(".", "").replace("e-", "").replace("e+", "").isdigit(), f"{path} = {v!r} reads as a string"


def test_lora_settings_reach_verls_keys(cfg, tab):
    """A LoRA run's adapter settings under verl 0.5's names (docs/advance/ppo_lora.rst)."""
    m = cfg.actor_rollout_ref.model
    assert m.lora_rank == tab["lora"]["lora_rank"] == 16 and isinstance(m.lora_rank, int)
    assert m.lora_alpha == tab["lora"]["lora_alpha"] == 32 and isinstance(m.lora_alpha, float)
    assert list(m.target_modules) == tab["lora"]["target_modules"] == ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    assert cfg.actor_rollout_ref.rollout.load_format == "safetensors"  # vLLM loads the base so the adapter can be synced
    assert m.path == tab["model"]


def test_run_script_calls_verl_with_the_plugin():
    sh = (DIR / "run.sh").read_text()
    assert "python3 -m verl.trainer.main_ppo" in sh and "--config-name=repro_verl" in sh
    assert "python/repro_rl/verl/reward.py" in sh
    readme = (DIR / "README.md").read_text()
    assert "4 GPUs" in readme  # 1.5 B
    # issue #24 §3: on a Ray cluster the plugin path and repro_rl must exist on every node the TaskRunner may land on
    assert "EVERY node" in sh and "custom_reward_function.path" in sh
    assert "**every node**" in readme and "same path" in readme and "pip install -e python/" in readme


def test_an_escaped_interpolation_does_not_survive_verls_second_resolution(tmp_path):
    """Why the export writes probe_b64: OmegaConf's own escape holds for one resolution only."""
    from omegaconf.errors import InterpolationKeyError
    y = tmp_path / "c.yaml"
    y.write_text('repro:\n  probe: "Answer \\\\${x}: "\n', encoding="utf-8")
    assert OmegaConf.to_container(OmegaConf.load(y), resolve=True)["repro"]["probe"] == "Answer ${x}: "
    with pytest.raises(InterpolationKeyError):
        resolved_as_verl_does(y)
    import base64
    y.write_text('repro:\n  probe_b64: "%s"\n' % base64.b64encode("Answer ${x}: ".encode()).decode(), encoding="utf-8")
    assert ReproSettings.from_config(resolved_as_verl_does(y)).probe == "Answer ${x}: "
    with pytest.raises(ValueError, match="both given"):
        ReproSettings.from_config({"probe": "a", "probe_b64": "YQ=="})
