// The two-regime report, the results merge and the CLI, on hand-made runs with hand-computed values.
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../../src/rl/config.ts';
import type { ExperimentResults, ExperimentRun } from '../../../src/rl/report.ts';
import { byEstimator, checkTarget, compareRegime, estimatorsIn, NI_MARGIN, regimeTables } from '../../../experiment/regimeReport.ts';
import { curvesSvg } from '../../../experiment/curvesPlot.ts';
import { labelJudges } from '../../../experiment/judgeLabels.ts';
import { combineResults, mergeRegimeResults } from '../../../experiment/merge.ts';
import { parseExperimentArgs, EXPERIMENT_OPTIONS } from '../../../experiment/cli.ts';

const s = (accuracy: number, cot: number, bt: number) => ({ accuracy, cot_tokens: cot, backtracking: bt, tokens_after_certainty: 1, cot_tokens_correct: cot });
const run = (method: 'outcome' | 'repro', seed: number, after: ReturnType<typeof s>, regime?: 'verbose' | 'mixed'): ExperimentRun => ({
  ...(regime ? { regime } : {}), method, seed, steps: 3, before: s(0.9, 30, 0.5), after, reward_curve: [0.2, 0.4, 0.6],
});
const config = { grpo: { outcome: presetConfig('outcome'), repro: presetConfig('repro') }, eval_problems: 8, eval_samples: 4, adapter: 'test', full: false };

describe('two-regime report', () => {
  const results: ExperimentResults = {
    config,
    runs: [
      run('outcome', 0, s(0.90, 30, 0.40), 'verbose'), run('repro', 0, s(0.92, 20, 0.10), 'verbose'),
      run('outcome', 1, s(0.80, 32, 0.50), 'verbose'), run('repro', 1, s(0.81, 22, 0.20), 'verbose'),
      run('outcome', 2, s(0.85, 28, 0.30), 'verbose'), run('repro', 2, s(0.84, 21, 0.15), 'verbose'),
      run('outcome', 0, s(0.4, 20, 0.2)), run('repro', 0, s(0.38, 20, 0.2)), // pre-regime runs: mixed
    ],
  };

  it('pairs by seed: RePro − outcome per metric with a t interval (df 2)', () => {
    const c = compareRegime(results, 'verbose', 'sampled');
    const acc = c.find((m) => m.metric === 'accuracy')!;
    // d = +0.02, +0.01, −0.01: mean 0.006667, sd 0.015275, half-width 4.302653 · sd / √3
    expect(acc.diff.n).toBe(3);
    expect(acc.diff.mean).toBeCloseTo(0.02 / 3, 10);
    expect(acc.diff.hi - acc.diff.mean).toBeCloseTo(4.302653 * 0.0152753 / Math.sqrt(3), 5);
    const cot = c.find((m) => m.metric === 'cot_tokens')!;
    expect(cot.relative.rel).toBeCloseTo(21 / 30 - 1, 10);
    expect(cot.relative.lo).toBeLessThan(cot.relative.rel);
    expect(cot.before.mean).toBe(30);
    // accuracy: lower bound 0.00667 − 4.302653 · 0.015275 / √3 = −0.0313 < −0.03: not shown non-inferior
    // CoT: relative −30 %, its interval entirely below −20 %? backtracking: 0.15 / 0.4 − 1 = −62.5 %
    const t = checkTarget(c);
    expect(acc.diff.lo).toBeCloseTo(0.02 / 3 - 4.302653 * 0.0152753 / Math.sqrt(3), 5);
    expect(acc.diff.lo).toBeLessThan(-NI_MARGIN);
    expect(t.accuracyNonInferior).toBe(false);
    expect(t.cotShorter20).toBe(true);
    expect(t.cotShorter20Ci).toBe(cot.relative.hi <= -0.2);
    expect(t.backtracking50).toBe(true);
  });

  it('non-inferiority holds only when the paired lower bound clears the margin', () => {
    const tight: ExperimentResults = {
      config,
      runs: [0, 1, 2].flatMap((seed) => [run('outcome', seed, s(0.9 + 0.01 * seed, 30, 0.4), 'verbose'), run('repro', seed, s(0.895 + 0.01 * seed, 20, 0.1), 'verbose')]),
    };
    const c = compareRegime(tight, 'verbose', 'sampled');
    const acc = c.find((m) => m.metric === 'accuracy')!.diff;
    expect(acc.mean).toBeCloseTo(-0.005, 12); // every seed −0.005: a zero-width interval, above −0.03
    expect(checkTarget(c)).toEqual({ accuracyNonInferior: true, cotShorter20: true, backtracking50: true, cotShorter20Ci: true, backtracking50Ci: true });
    expect(regimeTables(tight, ['sampled'])).toContain('accuracy non-inferior (paired 95 % CI lower bound -0.005 ≥ −0.03) — met; CoT tokens ≥ 20 % lower (-33.3 % [-33.3, -33.3]) — met (the whole interval)');
  });

  it('tables per regime; runs without a regime are the mixed ones', () => {
    const md = regimeTables(results, ['sampled']);
    expect(md).toContain('### mixed regime (mixed: overthinking ≈ errors): seeds 0, 3 steps');
    expect(md).toContain('### verbose regime (verbose but correct): seeds 0, 1, 2, 3 steps');
    expect(md).toContain('| sampled | cot_tokens | 30.00 ± 0.00 | 30.00 ± 2.00 | 21.00 ± 1.00 | -9.00 [');
    expect(compareRegime(results, 'mixed', 'sampled')[0].diff.n).toBe(1);
  });

  it('curves: per regime, the train reward per step and, where recorded, the length curves and held-out points', () => {
    const svg = curvesSvg(results);
    // reward curves only (no train_curve / eval_curve in these runs): one path per method per regime
    expect(svg.match(/<path /g)).toHaveLength(4);
    expect(svg.match(/not recorded by these runs/g)).toHaveLength(6);
    const point = (step: number, cot: number, tac: number) => ({ step, ...s(0.9, cot, 0.3), tokens_after_certainty: tac });
    const withCurves: ExperimentResults = {
      config,
      runs: (['outcome', 'repro'] as const).map((m, i) => ({
        ...run(m, 0, s(0.9, 30 - 10 * i, 0.3), 'verbose'),
        train_curve: { cot_tokens: [40, 38, 36], backtracking: [0.5, 0.4, 0.3] },
        eval_curve: [point(0, 33, 13), point(3, 30 - 10 * i, 12 - 4 * i)],
      })),
    };
    const two = curvesSvg(withCurves);
    // reward, CoT (train + held-out), backtracking (train + held-out), TAC (held-out): 6 paths per method
    expect(two.match(/<path /g)).toHaveLength(12);
    expect(two.match(/<circle /g)).toHaveLength(2 * 3 * 2); // held-out points: 2 per series, 3 series per method
    expect(two).not.toContain('not recorded');
  });

  it('judge labels: a file without tac_judge has its tokens after certainty moved to the self-judged field, once', () => {
    const old: ExperimentResults = { config, runs: [run('outcome', 0, s(0.4, 20, 0.2))] };
    const labelled = labelJudges(old);
    expect(labelled.runs[0].after.tokens_after_certainty).toBeNaN();
    expect(labelled.runs[0].after.tokens_after_certainty_self).toBe(1);
    expect(labelled.config.tac_judge).toBe('self');
    expect(labelJudges(labelled)).toBe(labelled); // idempotent
    const fresh: ExperimentResults = { config: { ...config, tac_judge: 'start' }, runs: [run('outcome', 0, s(0.4, 20, 0.2))] };
    expect(labelJudges(fresh)).toBe(fresh);
    // one file, two regimes: only the unlabelled regime's runs move
    const merged = mergeRegimeResults(old, fresh, 'verbose');
    const m = labelJudges({ ...merged, regime_configs: { mixed: config, verbose: { ...config, tac_judge: 'start' } } });
    expect(m.runs.map((r) => [r.regime, r.after.tokens_after_certainty, r.after.tokens_after_certainty_self])).toEqual([['mixed', NaN, 1], ['verbose', 1, undefined]]);
    expect(m.regime_configs?.mixed?.tac_judge).toBe('self');
    expect(regimeTables(m, ['sampled'])).not.toContain('tokens_after_certainty (fixed judge');
  });

  it('merge: a regime replaces its own runs and keeps the other', () => {
    const old: ExperimentResults = { config, runs: [run('outcome', 0, s(0.4, 20, 0.2)), run('repro', 0, s(0.4, 20, 0.2))] };
    const fresh: ExperimentResults = { config: { ...config, checkpoint: '/models/toy-reasoner-verbose/model.safetensors' }, runs: [run('outcome', 5, s(1, 1, 0))] };
    const m = mergeRegimeResults(old, fresh, 'verbose');
    expect(m.runs.map((r) => [r.regime, r.seed])).toEqual([['mixed', 0], ['mixed', 0], ['verbose', 5]]);
    expect(m.regime_configs?.mixed).toBe(config);
    const again = mergeRegimeResults(m, { config, runs: [run('repro', 7, s(1, 1, 0))] }, 'verbose');
    expect(again.runs.map((r) => [r.regime, r.seed])).toEqual([['mixed', 0], ['mixed', 0], ['verbose', 7]]);
  });

  it('combine: runs of several files in one, each keeping its α; other settings must match, no run twice', () => {
    const a: ExperimentResults = { config: { ...config, grpo: { outcome: presetConfig('outcome'), repro: presetConfig('repro', { process_reward_coef: 3 }) } }, runs: [run('outcome', 0, s(0.9, 30, 0.4), 'verbose'), run('repro', 0, s(0.9, 20, 0.1), 'verbose')] };
    const b: ExperimentResults = { config, runs: [{ ...run('repro', 1, s(0.9, 21, 0.1), 'verbose'), process_reward_coef: 1 }, run('outcome', 0, s(0.5, 30, 0.4), 'mixed')] };
    const c = combineResults([a, b], 'verbose');
    expect(c.runs.map((r) => [r.method, r.seed, r.process_reward_coef])).toEqual([['outcome', 0, 0], ['repro', 0, 3], ['repro', 1, 1]]);
    expect(() => combineResults([a, a], 'verbose')).toThrow(/grpo outcome seed 0 comes twice/);
    const lr: ExperimentResults = { config: { ...config, grpo: { outcome: presetConfig('outcome', { learning_rate: 5e-4 }), repro: presetConfig('repro', { learning_rate: 5e-4 }) } }, runs: [] };
    expect(() => combineResults([a, lr], 'verbose')).toThrow(/input 2's verbose settings differ/);
  });

  it('CLI: --regime picks the checkpoint; bad values fail up front', () => {
    const a = parseExperimentArgs(['--regime', 'verbose', '--seeds', '0,1,2,3,4', '--alpha', '1']);
    expect(a.spec.regime).toBe('verbose');
    expect(a.spec.checkpointUrl).toBe('/models/toy-reasoner-verbose/model.safetensors');
    expect(a.spec.overrides.process_reward_coef).toBe(1);
    expect(parseExperimentArgs([]).spec.seeds).toEqual([0, 1, 2, 3, 4]);
    expect(() => parseExperimentArgs(['--regime', 'paper'])).toThrow(/--regime: regime must be one of mixed, verbose/);
    expect(() => parseExperimentArgs(['--seeds', '1,1'])).toThrow(/repeat/);
    expect(() => parseExperimentArgs(['--bogus', '1'])).toThrow(/unknown argument "--bogus"/);
    expect(Object.keys(EXPERIMENT_OPTIONS)).toContain('--top-k');
    expect(parseExperimentArgs(['--process-norm', 'group']).spec.overrides.process_reward_norm).toBe('group');
    expect(() => parseExperimentArgs(['--process-norm', 'batch'])).toThrow(/--process-norm: must be none \| group/);
    expect(parseExperimentArgs(['--eval-every', '10']).spec.evalEvery).toBe(10);
    expect(() => parseExperimentArgs(['--eval-every', '-1'])).toThrow(/--eval-every/);
  });

  it('CLI: --model NAME --lora trains LoRA on a bundled engine model, checked up front', () => {
    const a = parseExperimentArgs(['--model', 'toy-llama-verbose', '--lora', '--lr', '1e-3']);
    // the model's own regime and folder; the experiment's LoRA defaults, PEFT names and target order
    expect(a.spec.regime).toBe('verbose');
    expect(a.spec.checkpointUrl).toBe('/models/toy-llama-verbose/');
    expect(a.spec.model).toEqual({
      name: 'toy-llama-verbose',
      lora: { r: 16, lora_alpha: 32, lora_dropout: 0, use_rslora: false, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
    });
    expect(a.spec.overrides.learning_rate).toBe(1e-3);
    // the batch shape: prompts per step and the GRPO group
    const p = parseExperimentArgs(['--prompts', '2', '--group', '4']).spec.overrides;
    expect([p.per_device_train_batch_size, p.num_generations]).toEqual([2, 4]);
    expect(() => parseExperimentArgs(['--group', '0'])).toThrow(/num_generations/);
    // a folder path names the same model; targets in any order come back in PEFT's layer order
    const b = parseExperimentArgs(['--lora-targets', 'v_proj,q_proj', '--lora', '--lora-r', '4', '--lora-alpha', '8', '--model', 'public/models/toy-llama-verbose/']);
    expect(b.spec.model).toEqual({ name: 'toy-llama-verbose', lora: { r: 4, lora_alpha: 8, lora_dropout: 0, use_rslora: false, target_modules: ['q_proj', 'v_proj'] } });
    expect(parseExperimentArgs([]).spec.model).toBeUndefined();
    expect(() => parseExperimentArgs(['--model', 'toy-llama-verbose'])).toThrow(/--model toy-llama-verbose needs --lora/);
    expect(() => parseExperimentArgs(['--lora'])).toThrow(/--lora and --lora-\* need --model/);
    expect(() => parseExperimentArgs(['--lora-r', '8'])).toThrow(/need --model/);
    expect(() => parseExperimentArgs(['--model', 'toy-reasoner', '--lora'])).toThrow(/--model: no bundled engine model "toy-reasoner" \(bundled under public\/models\/: toy-llama-verbose\)/);
    expect(() => parseExperimentArgs(['--model', 'toy-llama-verbose', '--lora', '--regime', 'mixed'])).toThrow(/SFT'd on the verbose regime, not mixed/);
    expect(() => parseExperimentArgs(['--model', 'toy-llama-verbose', '--lora', '--lora-targets', 'qkv'])).toThrow(/--lora-targets: must be PEFT module names .* got "qkv"/);
    expect(() => parseExperimentArgs(['--model', 'toy-llama-verbose', '--lora', '--lora-r', '2.5'])).toThrow(/--lora-\*: LoRA r must be a positive integer, got 2.5/);
    expect(() => parseExperimentArgs(['--model', 'toy-llama-verbose', '--lora', '--lora-alpha', '0'])).toThrow(/--lora-alpha: lora_alpha must be a positive number/);
  });
});

describe('several estimators in one results file', () => {
  const est = (r: ExperimentRun, estimator: 'grpo' | 'gae'): ExperimentRun => ({ ...r, estimator });
  const results: ExperimentResults = {
    config,
    runs: [
      est(run('outcome', 0, s(0.9, 30, 0.4), 'verbose'), 'grpo'), est(run('repro', 0, s(0.9, 20, 0.2), 'verbose'), 'grpo'),
      est(run('outcome', 1, s(0.9, 32, 0.4), 'verbose'), 'grpo'), est(run('repro', 1, s(0.9, 22, 0.2), 'verbose'), 'grpo'),
      est(run('outcome', 0, s(0.8, 40, 0.5), 'verbose'), 'gae'), est(run('repro', 0, s(0.8, 40, 0.5), 'verbose'), 'gae'),
      est(run('outcome', 1, s(0.8, 42, 0.5), 'verbose'), 'gae'), est(run('repro', 1, s(0.8, 41, 0.5), 'verbose'), 'gae'),
    ],
  };

  it('compareRegime refuses to pair runs of different estimators by seed', () => {
    expect(() => compareRegime(results, 'verbose', 'sampled')).toThrow(/several estimators \(grpo, gae\)/);
    expect(estimatorsIn(results)).toEqual(['grpo', 'gae']);
  });

  it('regime tables come one per estimator, each with its own runs', () => {
    const md = regimeTables(results, ['sampled']);
    expect(md).toContain('### verbose regime (verbose but correct) · GRPO: seeds 0, 1, 3 steps');
    expect(md).toContain('### verbose regime (verbose but correct) · PPO: seeds 0, 1, 3 steps');
    // GRPO: CoT 31 → 21 (paired −10); PPO: 41 → 40.5 (paired −0.5)
    const [grpo, ppo] = md.split('· PPO');
    expect(grpo).toContain('| sampled | cot_tokens | 30.00 ± 0.00 | 31.00 ± 1.41 | 21.00 ± 1.41 | -10.00 [');
    expect(ppo).toContain('| sampled | cot_tokens | 30.00 ± 0.00 | 41.00 ± 1.41 | 40.50 ± 0.71 | -0.50 [');
    expect(byEstimator(results, 'gae').runs).toHaveLength(4);
  });
});
