// --methods repro --outcome-from FILE: the reused outcome-only runs must be the runs this sweep
// would have made (same settings but the RePro-only ones, same seeds and steps); anything else fails.
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../../src/rl/config.ts';
import type { ExperimentConfig, ExperimentResults, ExperimentRun } from '../../../src/rl/report.ts';
import { withOutcomeRunsFrom } from '../../../experiment/reuseOutcome.ts';
import { parseExperimentArgs } from '../../../experiment/cli.ts';

const s = (accuracy: number, cot: number) => ({ accuracy, cot_tokens: cot, backtracking: 0.2, tokens_after_certainty: 1, cot_tokens_correct: cot });
const run = (method: 'outcome' | 'repro', seed: number, cot: number, steps = 20): ExperimentRun => ({
  regime: 'verbose', method, seed, steps, before: s(0.9, 30), after: s(0.95, cot), reward_curve: [0.9],
});
const configOf = (overrides = {}): ExperimentConfig => ({
  grpo: { outcome: presetConfig('outcome', overrides), repro: presetConfig('repro', overrides) }, eval_problems: 32, eval_samples: 4, adapter: 'google/swiftshader', full: false, checkpoint: '/models/toy-reasoner-verbose/model.safetensors',
});

describe('withOutcomeRunsFrom', () => {
  const source: ExperimentResults = {
    config: configOf(), regime_configs: { verbose: configOf() },
    runs: [run('outcome', 0, 30), run('repro', 0, 28), run('outcome', 1, 31), run('repro', 1, 27), { ...run('outcome', 0, 99), regime: 'mixed' }],
  };

  it('pairs each RePro run of a sweep (other α / topK / w) with the source outcome run of its seed', () => {
    const fresh: ExperimentResults = { config: configOf({ process_reward_coef: 1, entropy_top_k: 2 }), runs: [run('repro', 1, 20), run('repro', 0, 21)] };
    const out = withOutcomeRunsFrom(source, fresh, 'verbose');
    expect(out.runs.map((r) => `${r.method}:${r.seed}:${r.after.cot_tokens}`)).toEqual(['outcome:1:31', 'repro:1:20', 'outcome:0:30', 'repro:0:21']);
    expect(out.config.grpo.repro.process_reward_coef).toBe(1);
    // process_reward_norm is RePro-only too (outcome-only runs have α = 0), and older sources lack it
    const normed: ExperimentResults = { config: configOf({ process_reward_coef: 1, process_reward_norm: 'group' }), runs: [run('repro', 0, 21)] };
    const { process_reward_norm: _n, ...olderOutcome } = configOf().grpo.outcome;
    const older: ExperimentResults = { ...source, config: { ...configOf(), grpo: { ...configOf().grpo, outcome: olderOutcome as ExperimentConfig['grpo']['outcome'] } }, regime_configs: undefined };
    expect(withOutcomeRunsFrom(older, normed, 'verbose').runs).toHaveLength(2);
  });

  it('refuses outcome runs made with other settings, steps, seeds or a non-RePro fresh run', () => {
    const lr = { config: configOf({ learning_rate: 5e-4 }), runs: [run('repro', 0, 20)] };
    expect(() => withOutcomeRunsFrom(source, lr, 'verbose')).toThrow(/other settings/);
    const otherCheckpoint = { config: { ...configOf(), checkpoint: '/models/toy-reasoner/model.safetensors' }, runs: [run('repro', 0, 20)] };
    expect(() => withOutcomeRunsFrom(source, otherCheckpoint, 'verbose')).toThrow(/other settings/);
    expect(() => withOutcomeRunsFrom(source, { config: configOf(), runs: [run('repro', 0, 20, 30)] }, 'verbose')).toThrow(/seed 0, estimator grpo, 30 steps/);
    expect(() => withOutcomeRunsFrom(source, { config: configOf(), runs: [run('repro', 7, 20)] }, 'verbose')).toThrow(/seed 7/);
    expect(() => withOutcomeRunsFrom(source, { config: configOf(), runs: [run('outcome', 0, 20)] }, 'verbose')).toThrow(/--methods repro/);
    // another measurement: a self-judged (pre-judge) source, or other length-curve spacing
    const judged = { config: { ...configOf(), tac_judge: 'start' as const }, runs: [run('repro', 0, 20)] };
    expect(() => withOutcomeRunsFrom(source, judged, 'verbose')).toThrow(/other settings/);
    const curves = { config: { ...configOf(), eval_every: 5 }, runs: [run('repro', 0, 20)] };
    expect(() => withOutcomeRunsFrom(source, curves, 'verbose')).toThrow(/other settings/);
    // same URL, other weights: the evaluation before training tells
    expect(() => withOutcomeRunsFrom(source, { config: configOf(), runs: [{ ...run('repro', 0, 20), before: s(0.5, 30) }] }, 'verbose')).toThrow(/before training differs/);
  });

  it('the CLI takes --methods repro only together with --outcome-from', () => {
    expect(parseExperimentArgs(['--methods', 'repro', '--outcome-from', 'x.json']).spec.methods).toEqual(['repro']);
    expect(() => parseExperimentArgs(['--methods', 'repro'])).toThrow(/go together/);
    expect(() => parseExperimentArgs(['--outcome-from', 'x.json'])).toThrow(/go together/);
    expect(() => parseExperimentArgs(['--methods', 'ppo'])).toThrow(/--methods: must be outcome, repro/);
  });
});
