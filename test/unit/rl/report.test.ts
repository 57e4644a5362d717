import { describe, expect, it } from 'vitest';
import { markdownTable, meanStd, type ExperimentResults } from '../../../src/rl/report.ts';
import { presetConfig } from '../../../src/rl/config.ts';

const s = (accuracy: number, cot: number) => ({ accuracy, cot_tokens: cot, backtracking: 1, tokens_after_certainty: 2 });
const results: ExperimentResults = {
  config: { grpo: { outcome: presetConfig('outcome'), repro: presetConfig('repro') }, eval_problems: 8, adapter: 'test', full: false },
  runs: [
    { method: 'outcome', seed: 0, steps: 2, before: s(0.5, 10), after: s(0.6, 12), reward_curve: [0.5, 0.7] },
    { method: 'outcome', seed: 1, steps: 2, before: s(0.5, 10), after: s(0.8, 14), reward_curve: [0.3, 0.5] },
    { method: 'repro', seed: 0, steps: 2, before: s(0.5, 10), after: s(0.7, 8), greedy: { before: s(0.9, 9), after: s(0.95, 7) }, reward_curve: [0.5, 0.9] },
  ],
};

describe('experiment report', () => {
  it('mean and sample std', () => {
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: Math.SQRT2 });
    expect(meanStd([4])).toEqual({ mean: 4, std: 0 });
  });
  it('markdown table: mean ± std over seeds per method and phase', () => {
    const md = markdownTable(results);
    expect(md).toContain('| sampled | outcome | after | 2 | 0.700 ± 0.141 | 13.00 ± 1.41 | 1.00 ± 0.00 | 2.00 ± 0.00 |');
    expect(md).toContain('| sampled | repro | after | 1 | 0.700 ± 0.000 | 8.00 ± 0.00 |');
    // greedy rows only for runs that carry them
    expect(md).toContain('| greedy | repro | after | 1 | 0.950 ± 0.000 | 7.00 ± 0.00 |');
    expect(md).not.toContain('| greedy | outcome |');
  });
  it('markdown table: the self-judged tokens after certainty is its own column, "—" where a run did not record it', () => {
    const md = markdownTable(results);
    expect(md.split('\n')[0]).toBe('| decoding | method | when | seeds | accuracy | cot_tokens | backtracking | tokens_after_certainty | tokens_after_certainty_self | cot_tokens_correct |');
    expect(md).toContain('| sampled | outcome | after | 2 | 0.700 ± 0.141 | 13.00 ± 1.41 | 1.00 ± 0.00 | 2.00 ± 0.00 | — | — |');
  });
});
