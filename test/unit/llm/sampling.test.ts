import { expect, test } from 'vitest';
import { samplingFromGenerationConfig } from '../../../src/llm/sampling.ts';
import { halfToFloat } from '../../../src/llm/logitsRow.ts';

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
