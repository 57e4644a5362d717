// README.md of the exported folder: what is in it, the exact commands, the GPU count expected.
import { expectedGpus, paramsFromModelId, type VerlRunSettings } from './settings.ts';

export function exportReadme(s: VerlRunSettings, info: { name: string; source: string; rows: number; valRows: number; createdAt: string }): string {
  const params = s.model_params_b ?? paramsFromModelId(s.model);
  const plan = expectedGpus(params);
  const r = s.repro;
  return `# RePro on verl: ${info.name}

Exported by RePro Playground on ${info.createdAt} from ${info.source}. Targets **verl 0.5.x**
(\`python -m verl.trainer.main_ppo\`, FSDP + vLLM) with the \`repro_rl\` plugin from the playground's
\`python/\` folder (its estimators' call shape also accepts verl 0.4.1, single-turn). The RePro numbers are
the tab's: \`repro_rl\` is tested for parity with the TypeScript (golden fixtures, 1e-9) and its J probing
against the tab's scorer (float32 precision, 64 ε relative). Texts holding \`\${\` (e.g. the probe) are
written base64 (\`probe_b64\`) so that verl's repeated config resolution leaves them alone.

| file | what |
|---|---|
| \`data/train.parquet\` | ${info.rows} prompts in verl's RL schema (data_source, prompt as chat messages, ability, reward_model {style: rule, ground_truth}, extra_info) |
| \`data/val.parquet\` | ${info.valRows} held-out prompts, same schema |
| \`repro_verl.yaml\` | the Hydra config: verl's ppo_trainer + the tab's settings + the \`repro:\` block |
| \`run.sh\` | the launch command |
| \`settings.json\` | the tab's settings this was made from (for the record and for round-trip checks) |

## Commands
\`\`\`bash
git clone <your copy of repro-playground> && cd repro-playground
pip install "verl[vllm]>=0.5,<0.6"      # verl's own install guide: CUDA, torch, vLLM versions
pip install -e python/                    # repro_rl (numpy, torch)
cd /path/to/this/folder
REPRO_PLAYGROUND=/path/to/repro-playground ./run.sh
# more nodes: ray start on each, then ./run.sh trainer.nnodes=2
\`\`\`

**More than one node:** the clone of repro-playground must exist at the **same path** (REPRO_PLAYGROUND)
with \`repro_rl\` installed (\`pip install -e python/\`) on **every node** of the Ray cluster, not only the
head: verl loads \`custom_reward_function.path\` — the file that installs the RePro plugin — by path in
its TaskRunner actor, and Ray may place the TaskRunner (and verl's reward workers) on any node. A shared
filesystem mount, or the same \`git clone\` + \`pip install -e\` on each node, does it.

## Model and GPUs
- Policy: \`${s.model}\`${params === null ? ' (size not recognised from the id; set model_params_b)' : ` (${params} B parameters)`}.
- Expected: **${plan.gpus} GPUs (80 GB)** — ${plan.why}. Configured: ${s.nnodes} node(s) × ${s.n_gpus_per_node} GPUs.
- ${s.lora ? `LoRA (as trained in the tab): \`actor_rollout_ref.model.lora_rank=${s.lora.lora_rank}\`, \`lora_alpha=${s.lora.lora_alpha}\`, \`target_modules=${Array.isArray(s.lora.target_modules) ? `[${s.lora.target_modules.join(',')}]` : s.lora.target_modules}\`, \`rollout.load_format=safetensors\` (verl's docs/advance/ppo_lora.rst: FSDP + vLLM; its advice is a learning rate about 10× full fine-tuning's and a rank ≥ 32 at scale).` : 'Full fine-tuning (no LoRA).'}
- Estimator \`${s.estimator}\`${s.estimator === 'gae' ? ' trains a critic from the same checkpoint (critic.* in the config)' : ''}; G = ${s.num_generations} samples per prompt, ${s.per_device_train_batch_size} prompts per step, responses up to ${s.max_completion_length} tokens.

## RePro settings (\`repro:\` in repro_verl.yaml)
α = ${r.process_reward_coef}${s.estimator === 'grpo' ? '' : r.process_reward_norm === 'group' ? ' on process rewards normalised per group (as §9)' : ' on the raw process rewards (§11)'}, w = ${r.process_weight_w}, topK = ${r.entropy_top_k === 0 ? 'all segments' : r.entropy_top_k}, probe = ${JSON.stringify(r.probe)},
delimiter = ${r.segment_delimiter === null ? 'blank lines (the default RegExp)' : `${r.segment_delimiter_is_regex ? 'RegExp ' : ''}${JSON.stringify(r.segment_delimiter)}`}, CoT ends at ${JSON.stringify(r.cot_end)}.
Each step probes J at the baseline and after each of the topK highest-entropy segments of every
rollout: (1 + topK) short forward passes per rollout through the actor (docs/scale-out.md has the cost).

## What differs from the tab
- J and the entropies come from verl's \`compute_log_prob\`, which divides the logits by
  \`actor_rollout_ref.rollout.temperature\`: keep it 1.0 (the tab measures at T = 1).
- With dynamic batching, a probe row (prompt + CoT prefix + probe + answer) longer than
  \`log_prob_max_token_len_per_gpu\` (a response cut at the length limit inside its CoT) is not probed,
  as the tab's scorer drops what exceeds its block; the rest go out in calls no wider than that limit
  (metrics \`repro/unfit_boundaries\`, \`repro/unprobed_rollouts\`, \`repro/probe_calls\`).
- GRPO's outcome term is verl's: a group of one response gets R / (1 + ε) (the tab: 0), and
  \`algorithm.norm_adv_by_std_in_grpo=false\` drops the std (Dr. GRPO); the process term stays §9's.
- Rewards: 1/0 by matching the final answer (\\\\boxed{…} or after "final answer is"/"Answer:") with the
  ground truth (\`repro_rl/outcome.py\`); verl's own scorers for data sources it knows.
`;
}
