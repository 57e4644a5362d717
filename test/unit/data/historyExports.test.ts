import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { metricsToCsv, metricsToJson, toJsonl } from '../../../src/data/index.ts';
import type { StepMetrics } from '../../../src/rl/metrics.ts';

const step = (n: number, loss: number): StepMetrics => ({
  step: n, reward: 0.5 * n, accuracy: 0.25, responseTokens: 12, cotTokens: 9, backtracking: 0, processReward: n === 1 ? null : 0.1,
  kl: 0.01, clipFrac: 0, entropy: 1.5, loss, gradNorm: 2, skipped: Number.isNaN(loss), timings: { sampling: 10, scoring: 0, forwardBackward: 20, optimizer: 1 },
});
const history = { runId: 'r1', label: 'GRPO + RePro', steps: [step(1, 0.3), step(2, NaN)], evals: [{ step: 0, accuracy: 0.1, cotTokens: 8, backtracking: 0, tokensAfterCertainty: 2, n: 50 }] };

describe('toJsonl', () => {
  it('one compact object per line that JSON.parse reads back; non-finite numbers refused with the row', () => {
    const rows = [{ a: 1, s: 'x\ny "q"' }, { b: [1, 2], c: null }];
    const text = toJsonl(rows);
    expect(text).toBe('{"a":1,"s":"x\\ny \\"q\\""}\n{"b":[1,2],"c":null}\n');
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(rows);
    expect(() => toJsonl([{ a: 1 }, { v: NaN }])).toThrow('row 1: $.v = NaN cannot be written as JSON');
    expect(toJsonl([])).toBe('');
  });
});

describe('metrics history', () => {
  it('CSV: a row per step (timings flattened) then per evaluation, read back by papaparse', () => {
    const rows = Papa.parse<Record<string, string>>(metricsToCsv(history), { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ kind: 'step', step: '1', reward: '0.5', loss: '0.3', processReward: '', 'timings.forwardBackward': '20' });
    expect(rows[1]).toMatchObject({ kind: 'step', step: '2', loss: 'NaN', skipped: 'true', processReward: '0.1' });
    expect(rows[2]).toMatchObject({ kind: 'eval', step: '0', accuracy: '0.1', n: '50', loss: '' });
  });
  it('JSON: non-finite values become null and are listed by path', () => {
    const j = JSON.parse(metricsToJson(history)) as { steps: StepMetrics[]; evals: unknown[]; nonFinite: string[]; label: string };
    expect(j.label).toBe('GRPO + RePro');
    expect(j.steps[1].loss).toBeNull();
    expect(j.steps[0].timings.sampling).toBe(10);
    expect(j.nonFinite).toEqual(['steps[1].loss = NaN']);
    expect(j.evals).toEqual(history.evals);
  });
});
