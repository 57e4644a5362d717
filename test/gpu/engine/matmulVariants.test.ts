// Every matmul variant (src/engine/gpu/layers/matmul.ts) against the float64 CPU reference, for weights
// kept at file precision (f32, f16, bf16; the reference reads the same rounded values): odd shapes
// that cross the tiles and the 16-byte words, odd element offsets, bias, accumulation, the backward's
// dinp through a half weight, the LM-head widths (N = 32 000 with a split grid, V = 151 936), and the
// variant each kernel profile picks (forced on SwiftShader with forceKernelProfile).
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { forceKernelProfile } from '../../../src/gpu/adapterProfile.ts';
import { matmulBackward, matmulForward } from '../../../src/engine/cpu/layers/matmul.ts';
import * as gpuMm from '../../../src/engine/gpu/layers/matmul.ts';
import type { WeightDType } from '../../../src/engine/gpu/tensor.ts';
import type { Recorder } from '../../../src/engine/gpu/encoding.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { Harness } from './harness.ts';
import { gpu, randomArray } from './helpers.ts';

const TOL = { rtol: 1e-4, atol: 3e-5 };
const DTYPES: WeightDType[] = ['f32', 'f16', 'bf16'];
let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => {
  if (h) forceKernelProfile(h.ctx, null);
  h?.dispose();
});

/** The kernel files a recording dispatches, in order (which variant ran). */
function watchKernels(rec: Recorder): string[] {
  const seen: string[] = [];
  const dispatch = rec.dispatch.bind(rec);
  rec.dispatch = ((k, ...rest) => {
    seen.push(k.files[0].replace('shaders/', ''));
    dispatch(k, ...rest);
  }) as Recorder['dispatch'];
  return seen;
}

interface Case { M: number; K: number; N: number; bias: boolean; accumulate: boolean; seed: number; maxGroupsPerDim?: number }

/** out (pads 5) [M,N] (= or +=) inp [M,K] @ W[N,K]^T + bias on the GPU, then against the reference. */
async function checkForward(H: Harness, variant: gpuMm.MatmulVariant | undefined, dtype: WeightDType, c: Case): Promise<string[]> {
  const rng = new Rng(c.seed);
  const { M, K, N } = c;
  const inp = randomArray(M * K, rng), w = h.weight(randomArray(N * K, rng, 0.5), dtype, 3), bias = randomArray(N, rng);
  const out0 = randomArray(M * N, rng);
  const want = new Float64Array(M * N);
  matmulForward(want, inp, w.values, c.bias ? bias : null, 1, M, K, N);
  if (c.accumulate) for (let i = 0; i < want.length; i++) want[i] += out0[i];

  const x = H.f32(inp, 1), o = H.f32(out0, 5), b = H.f32(bias, 2);
  let seen: string[] = [];
  await H.run((rec) => {
    seen = watchKernels(rec);
    gpuMm.matmulForward(rec, o, x, w.t, c.bias ? b : null, M, K, N, { variant, accumulate: c.accumulate, maxGroupsPerDim: c.maxGroupsPerDim });
  });
  expectAllclose(await H.read(o, M * N), want, TOL);
  return seen;
}

const FILE: Record<gpuMm.MatmulVariant, string> = {
  register: 'engine_matmul.wgsl', tiled: 'engine_matmul_tiled.wgsl', gemv: 'engine_matmul_gemv.wgsl', 'gemv-subgroup': 'engine_matmul_gemv_subgroup.wgsl',
};
const VARIANTS: { variant: gpuMm.MatmulVariant; M: number }[] = [
  { variant: 'register', M: 70 }, { variant: 'tiled', M: 70 }, { variant: 'gemv', M: 5 }, { variant: 'gemv-subgroup', M: 8 },
];

describe('matmul forward, every variant and weight dtype', () => {
  for (const { variant, M } of VARIANTS) {
    for (const dtype of DTYPES) {
      it(`${variant}, ${dtype} weight: M ${M}, K 37, N 67 at odd offsets, with bias; then accumulating without`, async () => {
        const H = await harness();
        if (variant === 'gemv-subgroup') expect(H.ctx.features).toContain('subgroups'); // SwiftShader has them
        expect(await checkForward(H, variant, dtype, { M, K: 37, N: 67, bias: true, accumulate: false, seed: 10 })).toEqual([FILE[variant]]);
        await checkForward(H, variant, dtype, { M: M - 1, K: 64, N: 33, bias: false, accumulate: true, seed: 11 });
      });
    }
  }
});

describe('matmul backward through a weight at file precision', () => {
  for (const variant of ['register', 'tiled'] as const) {
    for (const dtype of DTYPES) {
      it(`${variant}, ${dtype} weight: dinp = dout @ W on 70 rows, C 37, OC 67; dW ${dtype === 'f32' ? 'accumulated' : 'skipped (frozen)'}; dbias`, async () => {
        const H = await harness();
        const rng = new Rng(20);
        const N = 70, C = 37, OC = 67;
        const inp = randomArray(N * C, rng), dout = randomArray(N * OC, rng);
        const w = H.weight(randomArray(OC * C, rng, 0.5), dtype, 3);
        const dinp = new Float64Array(N * C), dw = randomArray(OC * C, rng), db = randomArray(OC, rng);
        const dw0 = Float64Array.from(dw), db0 = Float64Array.from(db);
        matmulBackward(dinp, dw, db, dout, inp, w.values, 1, N, C, OC);

        const x = H.f32(inp, 1), d = H.f32(dout, 4), gd = H.f32(randomArray(N * C, rng), 5);
        const gw = H.f32(dw0, 2), gb = H.f32(db0, 6);
        let seen: string[] = [];
        await H.run((rec) => {
          seen = watchKernels(rec);
          gpuMm.matmulBackward(rec, gd, dtype === 'f32' ? gw : null, gb, d, x, w.t, N, C, OC, { variant });
        });
        expect(seen.slice(0, dtype === 'f32' ? 2 : 1)).toEqual(dtype === 'f32' ? [FILE[variant], FILE[variant]] : [FILE[variant]]);
        expectAllclose(await H.read(gd, N * C), dinp, TOL);
        expectAllclose(await H.read(gb, OC), db, TOL);
        expectAllclose(await H.read(gw, OC * C), dtype === 'f32' ? dw : dw0, TOL);
      });
    }
  }

  it('refuses dW of a half-precision weight, a half activation, and a GEMV it cannot run', async () => {
    const H = await harness();
    const w = H.weight([1, 2, 3, 4, 5, 6, 7, 8], 'bf16'), x = H.f32(new Float64Array(8)), g = H.zeros(8);
    const half = H.weight(new Float64Array(8), 'f16').t;
    await H.run((rec) => {
      expect(() => gpuMm.matmulBackward(rec, x, g, null, x, x, w.t, 2, 4, 2)).toThrow('the weight is bf16; half-precision weights are frozen (no dW), pass dweight = null');
      expect(() => gpuMm.matmulForward(rec, g, half, w.t, null, 2, 4, 2)).toThrow('matmul: the activation operand must be f32, got f16');
      expect(() => gpuMm.matmulForward(rec, g, x, w.t, null, 9, 4, 2, { variant: 'gemv' })).toThrow('needs M ≤ 8 rows');
    });
  });
});

describe('LM-head widths and the variant each profile picks', () => {
  for (const { variant } of VARIANTS) {
    it(`${variant}: N = 32 000 columns, K 64, f16, 3 rows, the grid split to ≤ 97 workgroups per dimension`, async () => {
      const H = await harness();
      await checkForward(H, variant, 'f16', { M: 3, K: 64, N: 32_000, bias: true, accumulate: false, seed: 30, maxGroupsPerDim: 97 });
    });
  }

  it('V = 151 936 × C = 64 (bf16), 2 rows: hardware picks the GEMV, software the register kernel; prefill rows and dinp go tiled', async () => {
    const H = await harness();
    const gemv = H.ctx.features.includes('subgroups') ? 'gemv-subgroup' : 'gemv';
    const big = { M: 2, K: 64, N: 151_936, bias: false, accumulate: false, seed: 31 };
    try {
      forceKernelProfile(H.ctx, 'hardware');
      expect(await checkForward(H, undefined, 'bf16', big)).toEqual([FILE[gemv]]);
      expect(await checkForward(H, undefined, 'f16', { M: 9, K: 40, N: 50, bias: true, accumulate: false, seed: 32 })).toEqual([FILE.tiled]);
      forceKernelProfile(H.ctx, 'software');
      expect(await checkForward(H, undefined, 'bf16', big)).toEqual([FILE.register]);
    } finally {
      forceKernelProfile(H.ctx, null);
    }
    expect(gpuMm.chooseMatmulVariant('hardware', true, 1, 40)).toBe('tiled'); // dinp reads W along N
    expect(gpuMm.chooseMatmulVariant('hardware', false, 8, 1)).toBe('gemv');
    expect(gpuMm.chooseMatmulVariant('software', true, 1, 1)).toBe('register');
  });
});
