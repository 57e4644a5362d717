// Shared setup for the GPU engine tests: one device per test file, tiny configs, seeded data.
import { acquireGpu, type GpuContext } from '../../../src/gpu/device.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';

export { randomArray, randomIds, randomParams } from '../../unit/engine/fixtures.ts';

/** Exercises every path: 2 layers, 2 heads, C not a multiple of the matmul tile, V small. */
export const SMALL: ModelConfig = { vocabSize: 13, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 12 };

let ctx: Promise<GpuContext> | null = null;
export function gpu(): Promise<GpuContext> {
  ctx ??= acquireGpu();
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
