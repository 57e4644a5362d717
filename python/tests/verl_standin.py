"""Small stand-ins for the parts of verl 0.5's API that repro_rl.verl calls (NOT verl: its registry,
DataProto's batch / non_tensor_batch / meta_info, padding to the worker count, the trainer class
and compute_advantage). Lets the glue's logic run in CI where verl cannot be installed."""
import sys
import types

import numpy as np


class DataProto:
    def __init__(self, batch=None, non_tensor_batch=None, meta_info=None):
        self.batch = dict(batch or {})
        self.non_tensor_batch = dict(non_tensor_batch or {})
        self.meta_info = dict(meta_info or {})

    @classmethod
    def from_dict(cls, tensors=None, non_tensors=None, meta_info=None):
        return cls(tensors, non_tensors, meta_info)

    def __len__(self):
        return next(iter(self.batch.values())).shape[0]


def pad_dataproto_to_divisor(data, k):
    n = len(data)
    pad = (-n) % k
    if pad == 0:
        return data, 0
    import torch
    idx = torch.cat([torch.arange(n), torch.arange(pad) % n])
    return DataProto({key: v[idx] for key, v in data.batch.items()}, {}, data.meta_info), pad


def unpad_dataproto(data, pad_size):
    if pad_size == 0:
        return data
    return DataProto({k: v[:-pad_size] for k, v in data.batch.items()}, {}, data.meta_info)


def compute_grpo_outcome_advantage(token_level_rewards, response_mask, index, epsilon=1e-6, norm_adv_by_std_in_grpo=True, config=None):
    """verl v0.5.0 verl/trainer/ppo/core_algos.py compute_grpo_outcome_advantage, body copied verbatim
    (Apache-2.0, docstring dropped): the reference repro_grpo's outcome term must equal."""
    import torch
    from collections import defaultdict

    scores = token_level_rewards.sum(dim=-1)

    id2score = defaultdict(list)
    id2mean = {}
    id2std = {}

    with torch.no_grad():
        bsz = scores.shape[0]
        for i in range(bsz):
            id2score[index[i]].append(scores[i])
        for idx in id2score:
            if len(id2score[idx]) == 1:
                id2mean[idx] = torch.tensor(0.0)
                id2std[idx] = torch.tensor(1.0)
            elif len(id2score[idx]) > 1:
                id2mean[idx] = torch.mean(torch.tensor(id2score[idx]))
                id2std[idx] = torch.std(torch.tensor([id2score[idx]]))
            else:
                raise ValueError(f"no score in prompt index: {idx}")
        for i in range(bsz):
            if norm_adv_by_std_in_grpo:
                scores[i] = (scores[i] - id2mean[index[i]]) / (id2std[index[i]] + epsilon)
            else:
                scores[i] = scores[i] - id2mean[index[i]]
        scores = scores.unsqueeze(-1) * response_mask

    return scores, scores


def install_standin(monkeypatch, version="0.5"):
    """`version` "0.4.1": compute_advantage with 0.4.1's signature (a multi_turn parameter)."""
    registry = {}

    def register_adv_est(name):
        def deco(fn):
            if name in registry and registry[name] is not fn:
                raise ValueError(f"Adv estimator {name} has already been registered")
            registry[name] = fn
            return fn
        return deco

    def get_adv_estimator_fn(name):
        if name not in registry:
            raise ValueError(f"Unknown advantage estimator simply: {name}")
        return registry[name]

    calls = []

    def compute_advantage(data, adv_estimator, gamma=1.0, lam=1.0, num_repeat=1, norm_adv_by_std_in_grpo=True, config=None):
        calls.append(adv_estimator)
        data.batch["advantages"] = "original"
        return data

    if version == "0.4.1":
        def compute_advantage(data, adv_estimator, gamma=1.0, lam=1.0, num_repeat=1, multi_turn=False,  # noqa: F811
                              norm_adv_by_std_in_grpo=True, config=None):
            calls.append((adv_estimator, multi_turn))
            data.batch["advantages"] = "original"
            return data

    class RayPPOTrainer:
        def init_workers(self):
            self.actor_rollout_wg = self._wg

    verl = types.ModuleType("verl")
    verl.DataProto = DataProto
    protocol = types.ModuleType("verl.protocol")
    protocol.pad_dataproto_to_divisor = pad_dataproto_to_divisor
    protocol.unpad_dataproto = unpad_dataproto
    trainer = types.ModuleType("verl.trainer")
    ppo = types.ModuleType("verl.trainer.ppo")
    core_algos = types.ModuleType("verl.trainer.ppo.core_algos")
    core_algos.register_adv_est = register_adv_est
    core_algos.get_adv_estimator_fn = get_adv_estimator_fn
    core_algos.ADV_ESTIMATOR_REGISTRY = registry
    ray_trainer = types.ModuleType("verl.trainer.ppo.ray_trainer")
    ray_trainer.compute_advantage = compute_advantage
    ray_trainer.RayPPOTrainer = RayPPOTrainer
    ppo.core_algos, ppo.ray_trainer = core_algos, ray_trainer
    for name, mod in {"verl": verl, "verl.protocol": protocol, "verl.trainer": trainer, "verl.trainer.ppo": ppo,
                      "verl.trainer.ppo.core_algos": core_algos, "verl.trainer.ppo.ray_trainer": ray_trainer}.items():
        monkeypatch.setitem(sys.modules, name, mod)
    return types.SimpleNamespace(registry=registry, calls=calls, ray_trainer=ray_trainer, np=np)
