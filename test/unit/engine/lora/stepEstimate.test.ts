// The step-time estimate's pricing (src/engine/lora/stepEstimate.ts): the affine fit recovers a
// known cost line, and the step's parts are the sums the trainer runs, checked against numbers
// worked out by hand.
import { describe, expect, it } from 'vitest';
import { affineFit, estimateStep, rowsToTime, type StepShape } from '../../../../src/engine/lora/stepEstimate.ts';

const line = (a: number, b: number, rows: number[]) => rows.map((r) => ({ rows: r, ms: a + b * r }));

describe('affineFit', () => {
  it('recovers a + b·rows from exact points and least-squares through noisy ones', () => {
    const f = affineFit(line(2, 0.5, [8, 64, 512]));
    expect(f.a).toBeCloseTo(2, 10);
    expect(f.b).toBeCloseTo(0.5, 10);
    // symmetric noise around the line leaves the slope and intercept
    const g = affineFit([{ rows: 10, ms: 7.5 }, { rows: 10, ms: 6.5 }, { rows: 30, ms: 17.5 }, { rows: 30, ms: 16.5 }]);
    expect(g.b).toBeCloseTo(0.5, 10);
    expect(g.a).toBeCloseTo(2, 10);
  });
  it('one point is a proportional cost; never a negative slope or intercept; bad points refused', () => {
    expect(affineFit([{ rows: 4, ms: 2 }])).toEqual({ a: 0, b: 0.5 });
    expect(affineFit([{ rows: 1, ms: 5 }, { rows: 100, ms: 4 }]).b).toBe(0);
    expect(affineFit([{ rows: 1, ms: 0 }, { rows: 2, ms: 10 }]).a).toBe(0);
    expect(() => affineFit([])).toThrow(/no timed points/);
    expect(() => affineFit([{ rows: 0, ms: 1 }])).toThrow(/bad point/);
    expect(() => affineFit([{ rows: 3, ms: Number.NaN }])).toThrow(/bad point/);
  });
});

describe('estimateStep', () => {
  const shape: StepShape = { nLayer: 2, prompts: 2, group: 4, promptTokens: 10, completionTokens: 6, probeRowsPerResponse: 5, reference: false, critic: false };
  // layer: 1 + 0.01·rows ms; head: 3 + 0.1·rows ms
  const timings = { layer: line(1, 0.01, [8, 128]), head: line(3, 0.1, [8, 128]) };
  const trunk = (rows: number) => 2 * (1 + 0.01 * rows);
  const head = (rows: number) => 3 + 0.1 * rows;

  it('prices sampling, scoring and training as the trainer runs them', () => {
    const e = estimateStep(shape, timings);
    // prefill once per prompt (10 rows, head on its last row) + 6 decode passes over the 8 responses
    expect(e.samplingMs).toBeCloseTo(2 * (trunk(10) + head(1)) + 6 * (trunk(8) + head(8)), 9);
    // 8 responses × 5 probe rows
    expect(e.scoringMs).toBeCloseTo(trunk(40) + head(40), 9);
    // 8 × 16 rows: forward, recomputed forward, backward; head forward and backward
    expect(e.trainingMs).toBeCloseTo(3 * trunk(128) + 2 * head(128), 9);
    expect(e.totalMs).toBeCloseTo(e.samplingMs + e.scoringMs + e.trainingMs, 9);
  });
  it('adds the reference forward with β > 0 and the critic for PPO; no probes cost nothing', () => {
    const base = estimateStep(shape, timings);
    expect(estimateStep({ ...shape, reference: true }, timings).trainingMs - base.trainingMs).toBeCloseTo(trunk(128) + head(128), 9);
    expect(estimateStep({ ...shape, critic: true }, timings).trainingMs - base.trainingMs).toBeCloseTo(3 * trunk(128), 9);
    expect(estimateStep({ ...shape, probeRowsPerResponse: 0 }, timings).scoringMs).toBe(0);
  });
  it('times the decode batch, the training batch and one between', () => {
    expect(rowsToTime(shape)).toEqual([8, 16, 128]);
    expect(rowsToTime({ ...shape, prompts: 1, group: 1, promptTokens: 0, completionTokens: 1 })).toEqual([1]);
  });
});
