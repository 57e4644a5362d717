import { describe, expect, it } from 'vitest';
import { estimatorTable, pairedDiff, t975 } from '../../../src/rl/estimatorTable.ts';
import type { EvalSummary, ExperimentResults, ExperimentRun } from '../../../src/rl/report.ts';

const S = (accuracy: number, cot: number): EvalSummary => ({ accuracy, cot_tokens: cot, backtracking: 0.5, tokens_after_certainty: 1 });
function run(method: 'outcome' | 'repro', seed: number, after: EvalSummary, estimator?: ExperimentRun['estimator']): ExperimentRun {
  return { method, seed, steps: 1, before: S(0, 0), after, reward_curve: [], ...(estimator ? { estimator } : {}) };
}

describe('estimator table (paired RePro − outcome, 95 % CI)', () => {
  it('paired by seed, Student t half-width; runs without "estimator" are GRPO', () => {
    const runs = [
      run('outcome', 0, S(0.5, 30)), run('repro', 0, S(0.6, 20)),
      run('outcome', 1, S(0.4, 32)), run('repro', 1, S(0.4, 28)),
      run('outcome', 2, S(0.6, 31)), run('repro', 2, S(0.8, 25)),
      run('outcome', 0, S(0.1, 10), 'gae'), run('repro', 0, S(0.2, 9), 'gae'),
    ];
    // GRPO accuracy diffs 0.1, 0, 0.2: mean 0.1, sd 0.1, CI = 4.303 · 0.1 / √3
    const p = pairedDiff(runs, 'grpo', 'accuracy');
    expect(p.n).toBe(3);
    expect(p.diff).toBeCloseTo(0.1, 12);
    expect(p.ci).toBeCloseTo(4.303 * 0.1 / Math.sqrt(3), 9);
    const g = pairedDiff(runs, 'gae', 'cot_tokens');
    expect(g.n).toBe(1);
    expect(g.diff).toBe(-1);
    expect(Number.isNaN(g.ci)).toBe(true);
    const md = estimatorTable({ config: {} as ExperimentResults['config'], runs });
    const rows = md.trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatch(/^\| GRPO \| 3 \| 0\.500 → 0\.600 \(\+0\.100 ± 0\.248\)/);
    expect(rows[3]).toMatch(/^\| PPO \| 1 \| 0\.100 → 0\.200 \(\+0\.100\) \| 10\.00 → 9\.00 \(-1\.00\)/);
    expect(t975(2)).toBe(4.303);
    expect(t975(100)).toBe(1.96);
  });
});
