// fused-logits-speedup: per-row max / log-sum-exp / entropy / log p(target) of logits that a model
// left in a GPU buffer, (a) with the fused kernel (dispatch + reading back T × 4 floats) versus
// (b) reading the whole [T, V] buffer back and computing the same in a tight single-pass JS loop.
// Measured side by side, interleaved, in one run on one adapter; value = median(b) / median(a).
import { createBuffer, STORAGE, writeBuffer } from '../../src/gpu/buffers.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { LogitsStatsKernel, type LogitsStats } from '../../src/gpu/logitsStats.ts';
import { randomLogits, withinTolerance } from '../../src/gpu/selfTest.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';

const T = 256;
const V = 151_936;
const REPS = 5;

/** The JS baseline's math: one online pass per row (max, Σe^(x−m), Σe^(x−m)(x−m)), as the kernel. */
export function statsJs(x: Float32Array, rows: number, vocab: number, targets: Int32Array): LogitsStats {
  const out: LogitsStats = {
    max: new Float32Array(rows), logSumExp: new Float32Array(rows),
    entropy: new Float32Array(rows), targetLogProb: new Float32Array(rows),
  };
  for (let r = 0; r < rows; r++) {
    const base = r * vocab;
    let m = -Infinity;
    let s = 0;
    let t = 0;
    for (let j = base, end = base + vocab; j < end; j++) {
      const v = x[j];
      if (v > m) {
        if (s > 0) {
          const d = m - v;
          const k = Math.exp(d);
          t = (t + s * d) * k;
          s *= k;
        }
        m = v;
        s += 1;
      } else if (v !== -Infinity) {
        const d = v - m;
        const e = Math.exp(d);
        s += e;
        t += e * d;
      }
    }
    const logS = Math.log(s);
    out.max[r] = m;
    out.logSumExp[r] = m + logS;
    out.entropy[r] = logS - t / s;
    out.targetLogProb[r] = targets[r] < 0 ? NaN : x[base + targets[r]] - m - logS;
  }
  return out;
}


export const fusedLogits: BenchSuite = {
  name: 'fused-logits',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const device = ctx.device;
    const bytes = T * V * 4;
    // The logits as a model would leave them: already in a GPU storage buffer.
    const logitsBuf = createBuffer(device, bytes, STORAGE, 'bench:logits');
    for (let r = 0; r < T; r += 16) writeBuffer(device, logitsBuf, randomLogits(16 * V, 1000 + r, 12), r * V * 4);
    const targets = Int32Array.from({ length: T }, (_, r) => (r * 7919) % V);
    const logits = { buffer: logitsBuf, byteOffset: 0, rows: T, vocab: V, dtype: 'float32' as const };
    const kernel = new LogitsStatsKernel(ctx);
    await kernel.warm();
    // A staging buffer kept across repetitions: the baseline's best case, not a strawman.
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });

    const fused = () => kernel.run(logits, targets);
    const readbackJs = async (): Promise<{ stats: LogitsStats; readMs: number }> => {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(logitsBuf, 0, staging, 0, bytes);
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const readMs = performance.now() - t0;
      try {
        return { stats: statsJs(new Float32Array(staging.getMappedRange()), T, V, targets), readMs };
      } finally {
        staging.unmap();
      }
    };

    try {
      // Warm up both paths, and check they agree (a speedup of a wrong answer is worth nothing).
      const a = await fused();
      const b = (await readbackJs()).stats;
      for (const k of ['max', 'logSumExp', 'entropy', 'targetLogProb'] as const) {
        for (let r = 0; r < T; r++) {
          if (!withinTolerance(a[k][r], b[k][r])) throw new Error(`fused and JS disagree at ${k}[${r}]: ${a[k][r]} vs ${b[k][r]}`);
        }
      }
      const kernelMs: number[] = [];
      const jsMs: number[] = [];
      const jsReadMs: number[] = [];
      for (let i = 0; i < REPS; i++) { // interleaved, so drift hits both sides alike
        let t0 = performance.now();
        await fused();
        kernelMs.push(performance.now() - t0);
        t0 = performance.now();
        jsReadMs.push((await readbackJs()).readMs);
        jsMs.push(performance.now() - t0);
        log(`rep ${i + 1}/${REPS}: fused ${kernelMs[i].toFixed(1)} ms, readback+JS ${jsMs[i].toFixed(1)} ms`);
      }
      const kernelMedianMs = median(kernelMs);
      const jsMedianMs = median(jsMs);
      return [{
        name: 'fused-logits-speedup',
        value: jsMedianMs / kernelMedianMs,
        unit: '×',
        goal: '≥ 10',
        detail: {
          kernelMedianMs, jsMedianMs, jsReadbackMedianMs: median(jsReadMs), T, V, reps: REPS,
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
