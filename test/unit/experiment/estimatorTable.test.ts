// The per-estimator table on hand-made runs: pairing by seed, t intervals by hand, the relative
// change's interval, the α per row.
import { describe, expect, it } from 'vitest';
import { estimatorTable, pairedDiff } from '../../../experiment/estimatorTable.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import type { EvalSummary, ExperimentRun } from '../../../src/rl/report.ts';

const S = (accuracy: number, cot: number): EvalSummary => ({ accuracy, cot_tokens: cot, backtracking: 0.5, tokens_after_certainty: 1 });
function run(method: 'outcome' | 'repro', seed: number, after: EvalSummary, estimator?: ExperimentRun['estimator'], alpha?: number): ExperimentRun {
  return { method, seed, steps: 1, before: S(0, 0), after, reward_curve: [], ...(estimator ? { estimator } : {}), ...(alpha !== undefined ? { process_reward_coef: alpha } : {}) };
}
const config = { grpo: { outcome: presetConfig('outcome'), repro: presetConfig('repro') }, eval_problems: 8, adapter: 'test', full: false };

describe('estimator table (paired RePro − outcome, 95 % CI)', () => {
  it('paired by seed, Student t interval; runs without "estimator" are GRPO', () => {
    const runs = [
      run('outcome', 0, S(0.5, 30)), run('repro', 0, S(0.6, 20)),
      run('outcome', 1, S(0.4, 32)), run('repro', 1, S(0.4, 28)),
      run('outcome', 2, S(0.6, 31)), run('repro', 2, S(0.8, 25)),
      run('outcome', 0, S(0.1, 10), 'gae'), run('repro', 0, S(0.2, 9), 'gae', 3),
    ];
    // GRPO accuracy diffs 0.1, 0, 0.2: mean 0.1, sd 0.1, half-width t_{0.975,2} · 0.1 / √3 = 4.302653 · 0.0577350
    const p = pairedDiff(runs, 'grpo', 'accuracy');
    expect(p.n).toBe(3);
    expect(p.diff.mean).toBeCloseTo(0.1, 12);
    expect(p.diff.hi - p.diff.mean).toBeCloseTo(4.302653 * 0.1 / Math.sqrt(3), 5);
    // CoT 31 → 24.333: relative 24.333 / 31 − 1
    expect(pairedDiff(runs, 'grpo', 'cot_tokens').relative.rel).toBeCloseTo(73 / 93 - 1, 12);
    const g = pairedDiff(runs, 'gae', 'cot_tokens');
    expect(g.n).toBe(1);
    expect(g.diff.mean).toBe(-1);
    expect(g.diff.lo).toBeNaN();
    const md = estimatorTable({ config, runs });
    const rows = md.trim().split('\n');
    expect(rows).toHaveLength(4);
    // GRPO's α from the config (older runs), PPO's from its runs
    expect(rows[2]).toMatch(/^\| GRPO \| 0\.1 \| 3 \| 0\.500 → 0\.600 \(\+0\.100 \[-0\.148, \+0\.348\]; \+20\.0 % \[/);
    expect(rows[3]).toMatch(/^\| PPO \| 3 \| 1 \| 0\.100 → 0\.200 \(\+0\.100; \+100\.0 %\) \| 10\.00 → 9\.00 \(-1\.00; -10\.0 %\)/);
  });
});
