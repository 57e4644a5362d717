// topk-kernel-speedup: per row the k = 20 best ids with log-probs, the chosen token's rank and a
// status, of logits a model left in a GPU buffer, (a) with the top-k kernel (dispatch + reading
// back T × (5 + 2k) words) versus (b) reading the whole [T, V] buffer back and selecting in a tight
// JS pass (bench/suites/topKJs.ts). Side by side, interleaved, in one run on one adapter
// (./kernelVsReadback.ts); value = median(b) / median(a).
import type { GpuContext } from '../../src/gpu/device.ts';
import { LogitsTopKKernel } from '../../src/gpu/logitsTopK.ts';
import type { LogitsTopK } from '../../src/gpu/logitsTopKCpu.ts';
import { withinTolerance } from '../../src/gpu/selfTest.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { topKJs } from './topKJs.ts';
import { kernelVsReadback } from './kernelVsReadback.ts';

const T = 256;
const V = 151_936;
const K = 20;
const REPS = 5;

/** Throws at the first difference: ids, ranks and status exactly, log-probs within tolerance. */
function checkAgree(a: LogitsTopK, b: LogitsTopK): void {
  for (const key of ['ids', 'rank', 'status'] as const) {
    a[key].forEach((v, i) => { if (v !== b[key][i]) throw new Error(`kernel and JS disagree at ${key}[${i}]: ${v} vs ${b[key][i]}`); });
  }
  for (const key of ['logProbs', 'chosenLogProb', 'logSumExp', 'entropy'] as const) {
    a[key].forEach((v, i) => { if (!withinTolerance(v, b[key][i])) throw new Error(`kernel and JS disagree at ${key}[${i}]: ${v} vs ${b[key][i]}`); });
  }
}

export const topKKernel: BenchSuite = {
  name: 'topk-kernel',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const chosen = Int32Array.from({ length: T }, (_, r) => (r * 7919) % V);
    return [await kernelVsReadback<LogitsTopK>(ctx, log, {
      name: 'topk-kernel-speedup', label: 'bench:topk-logits', seed: 2000, T, V, reps: REPS, kernelWord: 'kernel', sizes: { k: K },
      async setup(logits) {
        const kernel = new LogitsTopKKernel(ctx);
        await kernel.warm();
        return { kernel: () => kernel.run(logits, K, { chosen }), js: (x) => topKJs(x, T, V, K, chosen), check: checkAgree };
      },
    })];
  },
};
