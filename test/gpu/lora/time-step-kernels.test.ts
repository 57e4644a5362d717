// The kernels the step-time estimate is priced from (src/engine/lora/timeStepKernels.ts) run at a
// model's shapes in each weight precision: every asked row count comes back timed (finite, ≥ 0),
// in order, rows past the activation cap clamped to it, and the estimate built from them adds up
// to its parts. (How close the estimate comes to a measured step is the bench's
// step-estimate-vs-measured, not a test.)
import { describe, expect, it } from 'vitest';
import { estimateStep, rowsToTime } from '../../../src/engine/lora/stepEstimate.ts';
import { timeStepKernels } from '../../../src/engine/lora/timeStepKernels.ts';
import type { GpuContext } from '../../../src/gpu/device.ts';
import { gpu } from '../engine/helpers.ts';
import { engineViewOf, toyVocabLlama } from '../../util/tinyLlamaLora.ts';

describe('timeStepKernels', () => {
  let ctx: GpuContext | null = null;

  it('times one layer\'s linears and the head at the asked rows, in every weight precision', async () => {
    ctx = await gpu();
    const { config } = engineViewOf(toyVocabLlama(50, { seed: 3 }));
    const width = Math.max(config.nEmbd, config.intermediateSize, config.nHead * config.headDim, config.vocabSize);
    const capBytes = 64 * 2 ** 10; // a small activation cap keeps the test quick; the app's is 32 MiB
    const cap = Math.floor(capBytes / (4 * width));
    for (const dtype of ['f32', 'f16', 'bf16'] as const) {
      const t = await timeStepKernels(ctx, config, dtype, [7, 1, 10 ** 7], 1, capBytes);
      expect(t.layer.map((p) => p.rows)).toEqual([1, 7, cap]);
      expect(t.head.map((p) => p.rows)).toEqual([1, 7, cap]);
      for (const p of [...t.layer, ...t.head]) expect(Number.isFinite(p.ms) && p.ms >= 0).toBe(true);
      const shape = { nLayer: config.nLayer, prompts: 2, group: 2, promptTokens: 5, completionTokens: 4, probeRowsPerResponse: 3, reference: false, critic: false };
      expect(rowsToTime(shape)).toEqual([4, 5, 36]); // decode batch, train batch ÷ 8, train batch
      const e = estimateStep(shape, t);
      expect(e.totalMs).toBeCloseTo(e.samplingMs + e.scoringMs + e.trainingMs, 6);
      expect(e.trainingMs).toBeGreaterThan(0);
    }
  });
});
