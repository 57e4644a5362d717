import { expect, test } from 'vitest';
import { argmax, sampleToken, samplingFromGenerationConfig, seededUniform } from '../../../src/llm/sampling.ts';
import { halfToFloat } from '../../../src/llm/logitsRow.ts';

test('greedy takes the first maximum; sampling is seeded and respects top-k / top-p', () => {
  expect(argmax([1, 3, 3, 2])).toBe(1);
  expect(sampleToken([1, 3, 3, 2], { temperature: 0, topK: 0, topP: 1 }, () => { throw new Error('no rand for greedy'); })).toBe(1);
  const row = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
  const draw = (o: { temperature: number; topK: number; topP: number }, seed: number, n = 4000) => {
    const r = seededUniform(seed);
    const c = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) c[sampleToken(row, o, r)]++;
    return c.map((x) => x / n);
  };
  const full = draw({ temperature: 1, topK: 0, topP: 1 }, 1);
  expect(full[0]).toBeCloseTo(0.5, 1);
  expect(full[3]).toBeCloseTo(0.05, 1);
  expect(draw({ temperature: 1, topK: 2, topP: 1 }, 2)[2]).toBe(0);
  const p = draw({ temperature: 1, topK: 0, topP: 0.79 }, 3); // 0.5 + 0.3 reaches 0.79
  expect(p[2] + p[3]).toBe(0);
  expect(p[0]).toBeCloseTo(0.625, 1);
  expect(draw({ temperature: 1, topK: 0, topP: 1 }, 9)).toEqual(draw({ temperature: 1, topK: 0, topP: 1 }, 9));
});

test('generation_config defaults: do_sample false → greedy', () => {
  expect(samplingFromGenerationConfig({ do_sample: true, temperature: 0.6, top_k: 20, top_p: 0.95 })).toMatchObject({ temperature: 0.6, topK: 20, topP: 0.95 });
  expect(samplingFromGenerationConfig({ temperature: 0.6 })).toMatchObject({ temperature: 0, topK: 0, topP: 1 });
});

test('half → float', () => {
  expect(halfToFloat(0x3c00)).toBe(1);
  expect(halfToFloat(0xc000)).toBe(-2);
  expect(halfToFloat(0x7bff)).toBe(65504);
  expect(halfToFloat(0x0001)).toBe(2 ** -24);
  expect(halfToFloat(0xfc00)).toBe(-Infinity);
  expect(halfToFloat(0x7e00)).toBeNaN();
});
