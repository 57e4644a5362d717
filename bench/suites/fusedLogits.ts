// fused-logits-speedup: per-row max / log-sum-exp / entropy / log p(target) of logits that a model
// left in a GPU buffer, (a) with the fused kernel (dispatch + reading back T × 4 floats) versus
// (b) reading the whole [T, V] buffer back and computing the same in a tight single-pass JS loop.
// Measured side by side, interleaved, in one run on one adapter (./kernelVsReadback.ts);
// value = median(b) / median(a).
import type { GpuContext } from '../../src/gpu/device.ts';
import { LogitsStatsKernel, type LogitsStats } from '../../src/gpu/logitsStats.ts';
import { withinTolerance } from '../../src/gpu/selfTest.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { kernelVsReadback } from './kernelVsReadback.ts';

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
    const targets = Int32Array.from({ length: T }, (_, r) => (r * 7919) % V);
    return [await kernelVsReadback<LogitsStats>(ctx, log, {
      name: 'fused-logits-speedup', label: 'bench:logits', seed: 1000, T, V, reps: REPS, kernelWord: 'fused',
      async setup(logits) {
        const kernel = new LogitsStatsKernel(ctx);
        await kernel.warm();
        return {
          kernel: () => kernel.run(logits, targets),
          js: (x) => statsJs(x, T, V, targets),
          check(a, b) {
            for (const k of ['max', 'logSumExp', 'entropy', 'targetLogProb'] as const) {
              for (let r = 0; r < T; r++) {
                if (!withinTolerance(a[k][r], b[k][r])) throw new Error(`fused and JS disagree at ${k}[${r}]: ${a[k][r]} vs ${b[k][r]}`);
              }
            }
          },
        };
      },
    })];
  },
};
