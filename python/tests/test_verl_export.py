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


def test_repro_block_round_trips_to_the_tab_settings(cfg, tab):
    repro = OmegaConf.to_container(cfg.repro, resolve=True)
    assert repro == tab["repro"]  # every key, every value, exactly (floats too)
    s = ReproSettings.from_config(repro)
    assert s.probe == "\n</think>\n\nAnswer ${x}: \\boxed{"  # "${" stays literal through OmegaConf
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


def test_run_script_calls_verl_with_the_plugin():
    sh = (DIR / "run.sh").read_text()
    assert "python3 -m verl.trainer.main_ppo" in sh and "--config-name=repro_verl" in sh
    assert "python/repro_rl/verl/reward.py" in sh
    readme = (DIR / "README.md").read_text()
    assert "4 GPUs" in readme  # 1.5 B
