// Shared setup for the GPU engine tests: one device for every file (the browser project runs its
// files in one page, isolate: false), tiny configs, seeded data.
import { acquireGpu, type GpuContext } from '../../../src/gpu/device.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';

export { randomArray, randomIds, randomParams } from '../../unit/engine/fixtures.ts';

/** Exercises every path: 2 layers, 2 heads, C not a multiple of the matmul tile, V small. */
export const SMALL: ModelConfig = { vocabSize: 13, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 12 };

let ctx: Promise<GpuContext> | null = null;
let lost = false;
/** The shared device; a new one once it was lost (device-loss tests destroy theirs). */
export function gpu(): Promise<GpuContext> {
  if (ctx === null || lost) {
    lost = false;
    const next = acquireGpu();
    ctx = next;
    void next.then((c) => c.lost.then(() => {
      if (ctx === next) lost = true;
    }));
  }
  return ctx;
}

/** ‖a − b‖ / ‖b‖ over a range (relative error of a whole tensor). */
export function relNormErr(a: ArrayLike<number>, b: ArrayLike<number>, start = 0, end = b.length): number {
  let num = 0;
  let den = 0;
  for (let i = start; i < end; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}
