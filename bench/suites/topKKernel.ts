// topk-kernel-speedup: per row the k = 20 best ids with log-probs, the chosen token's rank and a
// status, of logits a model left in a GPU buffer, (a) with the top-k kernel (dispatch + reading
// back T × (5 + 2k) words) versus (b) reading the whole [T, V] buffer back and selecting in a tight
// JS pass (bench/suites/topKJs.ts). Side by side, interleaved, in one run on one adapter;
// value = median(b) / median(a).
import { createBuffer, STORAGE, writeBuffer } from '../../src/gpu/buffers.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { LogitsTopKKernel } from '../../src/gpu/logitsTopK.ts';
import type { LogitsTopK } from '../../src/gpu/logitsTopKCpu.ts';
import { randomLogits, withinTolerance } from '../../src/gpu/selfTest.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { topKJs } from './topKJs.ts';
import { median } from './median.ts';

const T = 256;
const V = 151_936;
const K = 20;
const REPS = 5;


/** Throws at the first difference: ids, ranks and status exactly, log-probs within tolerance. */
function checkAgree(a: LogitsTopK, b: LogitsTopK): void {
  for (const key of ['ids', 'rank', 'status'] as const) {
    a[key].forEach((v, i) => { if (v !== b[key][i]) throw new Error(`kernel and JS disagree at ${key}[${i}]: ${v} vs ${b[key][i]}`); });
  }
  for (const key of ['logProbs', 'chosenLogProb', 'logSumExp'] as const) {
    a[key].forEach((v, i) => { if (!withinTolerance(v, b[key][i])) throw new Error(`kernel and JS disagree at ${key}[${i}]: ${v} vs ${b[key][i]}`); });
  }
}

export const topKKernel: BenchSuite = {
  name: 'topk-kernel',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const device = ctx.device;
    const bytes = T * V * 4;
    const logitsBuf = createBuffer(device, bytes, STORAGE, 'bench:topk-logits');
    for (let r = 0; r < T; r += 16) writeBuffer(device, logitsBuf, randomLogits(16 * V, 2000 + r, 12), r * V * 4);
    const chosen = Int32Array.from({ length: T }, (_, r) => (r * 7919) % V);
    const logits = { buffer: logitsBuf, byteOffset: 0, rows: T, vocab: V, dtype: 'float32' as const };
    const kernel = new LogitsTopKKernel(ctx);
    await kernel.warm();
    // A staging buffer kept across repetitions: the baseline's best case, not a strawman.
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });

    const onGpu = () => kernel.run(logits, K, { chosen });
    const readbackJs = async (): Promise<{ topk: LogitsTopK; readMs: number }> => {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(logitsBuf, 0, staging, 0, bytes);
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const readMs = performance.now() - t0;
      try {
        return { topk: topKJs(new Float32Array(staging.getMappedRange()), T, V, K, chosen), readMs };
      } finally {
        staging.unmap();
      }
    };

    try {
      // Warm up both paths and check they agree (a speedup of a wrong answer is worth nothing).
      checkAgree(await onGpu(), (await readbackJs()).topk);
      const kernelMs: number[] = [];
      const jsMs: number[] = [];
      const jsReadMs: number[] = [];
      for (let i = 0; i < REPS; i++) { // interleaved, so drift hits both sides alike
        let t0 = performance.now();
        await onGpu();
        kernelMs.push(performance.now() - t0);
        t0 = performance.now();
        jsReadMs.push((await readbackJs()).readMs);
        jsMs.push(performance.now() - t0);
        log(`rep ${i + 1}/${REPS}: kernel ${kernelMs[i].toFixed(1)} ms, readback+JS ${jsMs[i].toFixed(1)} ms`);
      }
      const kernelMedianMs = median(kernelMs);
      const jsMedianMs = median(jsMs);
      return [{
        name: 'topk-kernel-speedup',
        value: jsMedianMs / kernelMedianMs,
        unit: '×',
        goal: '≥ 10',
        detail: {
          kernelMedianMs, jsMedianMs, jsReadbackMedianMs: median(jsReadMs), T, V, k: K, reps: REPS,
          kernelMs, jsMs,
          adapter: `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`,
        },
      }];
    } finally {
      staging.destroy();
      logitsBuf.destroy();
    }
  },
};
