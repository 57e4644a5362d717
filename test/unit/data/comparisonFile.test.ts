import { describe, expect, test } from 'vitest';
import { parseComparison, serializeComparison, type ComparisonFile } from '../../../src/data/comparisonFile.ts';
import type { StepMetrics } from '../../../src/rl/metrics.ts';

const step = (n: number, loss: number, processReward: number | null) => ({
  step: n, reward: 0.25 * n, responseTokens: 20 - n, cotTokens: 15 - n, backtracking: 0.5, processReward, loss,
  clipFrac: 0, kl: 0, timings: { sampling: 10, scoring: 5, forwardBackward: 7, optimizer: 1 },
}) as unknown as StepMetrics;

const file: ComparisonFile = {
  exportedAt: '2026-12-01T14:00:00.000Z',
  runs: [
    { spec: { runId: 'outcome-s3-x', label: 'Outcome only (GRPO) · seed 3', method: 'outcome', steps: 40, config: { learning_rate: 1e-4, adv_estimator: 'grpo' }, regime: 'verbose' },
      status: 'paused', metrics: [step(1, 0.5, null), step(2, NaN, null)], evals: [], samples: [] },
    { spec: { runId: 'repro-s3-x', label: 'RePro · seed 3', method: 'repro', steps: 40, config: { process_reward_coef: 0.1 } },
      status: 'stopped', metrics: [step(1, -Infinity, 0.3)], evals: [{ step: 0, accuracy: 0.5, cotTokens: 18, backtracking: 0.2, tokensAfterCertainty: 1, n: 32 } as never],
      samples: [{ question: '12+30=?', answer: '42', segments: [{ text: 'x', reward: null, backtracking: false }] } as never],
      checkpoint: { safetensors: Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256), configJson: '{"nLayer":2}' } },
  ],
};

describe('training comparison file', () => {
  test('round-trips every run: spec, metrics (NaN, −Infinity and null kept apart), evals, samples, weights', () => {
    const back = parseComparison(serializeComparison(file));
    expect(back.runs.length).toBe(2);
    expect(back.runs[0].spec).toEqual(file.runs[0].spec);
    expect(back.runs[0].metrics[1].loss).toBeNaN();
    expect(back.runs[0].metrics[0].processReward).toBeNull();
    expect(back.runs[1].metrics[0].loss).toBe(-Infinity);
    expect(back.runs[1].metrics[0].timings).toEqual(file.runs[1].metrics[0].timings);
    expect(back.runs[1].evals).toEqual(file.runs[1].evals);
    expect(back.runs[1].samples).toEqual(file.runs[1].samples);
    expect(back.runs[1].checkpoint!.configJson).toBe('{"nLayer":2}');
    expect(Array.from(back.runs[1].checkpoint!.safetensors)).toEqual(Array.from(file.runs[1].checkpoint!.safetensors));
    expect(back.runs[0].checkpoint).toBeUndefined();
  });

  test('other files are refused with a message that says what they are not', () => {
    expect(() => parseComparison('{oops')).toThrow(/not JSON/);
    expect(() => parseComparison(JSON.stringify({ format: 'repro-playground-inspection' }))).toThrow(/"format" is "repro-playground-inspection"/);
    const ok = JSON.parse(serializeComparison(file));
    expect(() => parseComparison(JSON.stringify({ ...ok, runs: [] }))).toThrow(/runs/);
    ok.runs[0].spec.steps = -3;
    expect(() => parseComparison(JSON.stringify(ok))).toThrow(/runs\.0\.spec\.steps/);
    const bad = JSON.parse(serializeComparison(file));
    bad.runs[1].checkpoint.safetensorsBase64 = '***';
    expect(() => parseComparison(JSON.stringify(bad))).toThrow(/run repro-s3-x: its weights are not valid base64/);
  });
});
