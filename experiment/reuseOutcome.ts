// `--methods repro --outcome-from FILE`: a sweep of RePro settings (α, topK, w) reuses the
// outcome-only runs of an earlier file instead of rerunning them. Outcome-only runs ignore those
// settings (presetConfig forces α = 0) and are deterministic on one adapter, so they are the same
// runs — but only if everything else matches, which is checked here, not assumed.
import type { ExperimentConfig, ExperimentResults, ExperimentRun } from '../src/rl/report.ts';
import type { TaskRegime } from '../src/task/regime.ts';
import { migrateLegacyConfig } from '../src/rl/config.ts';
import { DEFAULT_TOY_TASK } from '../src/rl/task/settings.ts';
import { regimeOf } from './regimeReport.ts';

/** Without the seed (each run sets its own) and the RePro-only keys (α, topK, w, process_reward_norm), which outcome-only runs ignore. */
export function outcomeSettings(c: ExperimentConfig): string {
  // files written before the task left the trainer carry the toy task's digits in the config
  const { config, task } = migrateLegacyConfig(c.grpo.outcome);
  const { seed: _seed, process_reward_coef: _a, entropy_top_k: _k, process_weight_w: _w, process_reward_norm: _n, ...rest } = config;
  return JSON.stringify({
    grpo: rest, task: task ?? DEFAULT_TOY_TASK, eval_problems: c.eval_problems, eval_samples: c.eval_samples, adapter: c.adapter, checkpoint: c.checkpoint, full: c.full,
    // the same measurement too: who judges tokens after certainty, and the length curves' spacing
    tac_judge: c.tac_judge, eval_every: c.eval_every ?? 0,
    // the same model and adapter (LoRA on an engine model; absent: the toy with full weights)
    ...(c.model ? { model: c.model } : {}),
  });
}

/** `fresh` (RePro runs only) plus `source`'s outcome runs of the same regime, estimators and seeds. */
export function withOutcomeRunsFrom(source: ExperimentResults, fresh: ExperimentResults, regime: TaskRegime): ExperimentResults {
  const sourceConfig = source.regime_configs?.[regime] ?? source.config;
  if (outcomeSettings(sourceConfig) !== outcomeSettings(fresh.config)) {
    throw new Error(`--outcome-from: its ${regime} outcome-only runs used other settings than this run (grpo config, evaluation, adapter or checkpoint differ); rerun with both methods`);
  }
  const runs: ExperimentRun[] = [];
  for (const r of fresh.runs) {
    if (r.method !== 'repro') throw new Error('--outcome-from: this run must be --methods repro');
    const same = source.runs.find((o) => o.method === 'outcome' && regimeOf(o) === regime && o.seed === r.seed && (o.estimator ?? 'grpo') === (r.estimator ?? 'grpo') && o.steps === r.steps);
    if (!same) throw new Error(`--outcome-from: no ${regime} outcome-only run for seed ${r.seed}, estimator ${r.estimator ?? 'grpo'}, ${r.steps} steps`);
    // The evaluation before training is a function of the checkpoint, the seed and the evaluation
    // settings only: if it differs, the checkpoint file behind the same URL changed (retrained).
    if (JSON.stringify(same.before) !== JSON.stringify(r.before) || JSON.stringify(same.greedy?.before) !== JSON.stringify(r.greedy?.before)) {
      throw new Error(`--outcome-from: seed ${r.seed}'s evaluation before training differs from the source's (another checkpoint?); rerun with both methods`);
    }
    runs.push({ ...same, regime }, r);
  }
  return { ...fresh, runs };
}
