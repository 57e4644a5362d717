// Each layer runner (forward and backward) against its float64 CPU reference in src/engine/cpu/layers,
// on random inputs with shapes that are not multiples of the workgroup/tile sizes, and tensors
// placed at non-zero element offsets.
import { afterAll, describe, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { encoderBackward, encoderForward } from '../../../src/engine/cpu/layers/encoder.ts';
import { layernormBackward, layernormForward } from '../../../src/engine/cpu/layers/layernorm.ts';
import { matmulBackward, matmulForward } from '../../../src/engine/cpu/layers/matmul.ts';
import { geluBackward, geluForward } from '../../../src/engine/cpu/layers/gelu.ts';
import { residualForward } from '../../../src/engine/cpu/layers/residual.ts';
import * as gpuEnc from '../../../src/engine/gpu/layers/encoder.ts';
import * as gpuLn from '../../../src/engine/gpu/layers/layernorm.ts';
import * as gpuMm from '../../../src/engine/gpu/layers/matmul.ts';
import * as gpuAct from '../../../src/engine/gpu/layers/gelu.ts';
import * as gpuRes from '../../../src/engine/gpu/layers/residual.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { Harness } from './harness.ts';
import { gpu, randomArray, randomIds } from './helpers.ts';

const TOL = { rtol: 1e-4, atol: 1e-5 };
let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => h?.dispose());

describe('layer runners vs the CPU reference', () => {
  it('encoder forward and embedding backward (wte and wpe gathers, accumulating)', async () => {
    const H = await harness();
    const rng = new Rng(1);
    const B = 2, T = 5, C = 7, V = 9, maxT = 6;
    const wte = randomArray(V * C, rng), wpe = randomArray(maxT * C, rng), dout = randomArray(B * T * C, rng);
    const tokens = randomIds(B * T, V, rng);
    const positions = Int32Array.from({ length: B * T }, (_, i) => i % T);
    const out = new Float64Array(B * T * C);
    encoderForward(out, tokens, wte, wpe, B, T, C);
    const dwte = randomArray(V * C, rng), dwpe = randomArray(maxT * C, rng);
    const grads0 = Float64Array.from([...dwte, ...dwpe]);
    encoderBackward(dwte, dwpe, dout, tokens, B, T, C);

    const params = H.f32([...wte, ...wpe], 3);
    const o = H.zeros(B * T * C, 5);
    const grads = H.f32(grads0, 2);
    const d = H.f32(dout, 4);
    const tk = H.i32(tokens), ps = H.i32(positions);
    await H.run((rec) => {
      gpuEnc.encoderForward(rec, o, tk, ps, params.buf, params.off, params.off + V * C, B * T, C);
      gpuEnc.embeddingBackward(rec, grads.buf, grads.off, d, tk, B * T, V, C);
      gpuEnc.embeddingBackward(rec, grads.buf, grads.off + V * C, d, ps, B * T, maxT, C);
    });
    expectAllclose(await H.read(o, out.length), out, TOL);
    expectAllclose(await H.read(grads, grads0.length), [...dwte, ...dwpe], TOL);
  });

  for (const accumulate of [false, true]) {
    it(`layernorm forward and backward (dinp ${accumulate ? 'accumulating' : 'overwritten'})`, async () => {
      const H = await harness();
      const rng = new Rng(2);
      const N = 11, C = 13;
      const inp = randomArray(N * C, rng, 2), w = randomArray(C, rng), b = randomArray(C, rng), dout = randomArray(N * C, rng);
      const out = new Float64Array(N * C), mean = new Float64Array(N), rstd = new Float64Array(N);
      layernormForward(out, mean, rstd, inp, w, b, 1, N, C);
      const dinp0 = randomArray(N * C, rng);
      const dinp = new Float64Array(N * C);
      const dw = randomArray(C, rng), db = randomArray(C, rng);
      const grads0 = Float64Array.from([...dw, ...db]);
      layernormBackward(dinp, dw, db, dout, inp, w, mean, rstd, 1, N, C);
      if (accumulate) for (let i = 0; i < dinp.length; i++) dinp[i] += dinp0[i];

      const params = H.f32([...w, ...b], 7);
      const x = H.f32(inp, 1), o = H.zeros(N * C, 2), m = H.zeros(N, 3), r = H.zeros(N, 3);
      const gd = H.f32(dinp0, 4), grads = H.f32(grads0, 5), d = H.f32(dout, 6);
      await H.run((rec) => {
        gpuLn.layernormForward(rec, o, m, r, x, params.buf, params.off, params.off + C, N, C);
        gpuLn.layernormBackward(rec, gd, grads, { buf: grads.buf, off: grads.off + C }, d, x, params, m, r, N, C, accumulate);
      });
      expectAllclose(await H.read(o, out.length), out, TOL);
      expectAllclose(await H.read(m, N), mean, TOL);
      expectAllclose(await H.read(r, N), rstd, TOL);
      expectAllclose(await H.read(gd, dinp.length), dinp, TOL);
      expectAllclose(await H.read(grads, 2 * C), [...dw, ...db], TOL);
    });
  }

  for (const withBias of [true, false]) {
    it(`matmul forward and backward on a 19×20 → 35 shape (${withBias ? 'with' : 'no'} bias)`, async () => {
      const H = await harness();
      const rng = new Rng(3);
      const N = 19, C = 20, OC = 35;
      const inp = randomArray(N * C, rng), w = randomArray(OC * C, rng), bias = randomArray(OC, rng), dout = randomArray(N * OC, rng);
      const out = new Float64Array(N * OC);
      matmulForward(out, inp, w, withBias ? bias : null, 1, N, C, OC);
      const dinp = new Float64Array(N * C), dw = randomArray(OC * C, rng), db = randomArray(OC, rng);
      const grads0 = Float64Array.from([...dw, ...db]);
      matmulBackward(dinp, dw, withBias ? db : null, dout, inp, w, 1, N, C, OC);

      const params = H.f32([...w, ...bias], 9);
      const x = H.f32(inp, 2), o = H.zeros(N * OC, 3), d = H.f32(dout, 4), gd = H.zeros(N * C, 5);
      const grads = H.f32(grads0, 6);
      const wt = { buf: params.buf, off: params.off };
      await H.run((rec) => {
        gpuMm.matmulForward(rec, o, x, wt, withBias ? { buf: params.buf, off: params.off + OC * C } : null, N, C, OC);
        gpuMm.matmulBackward(rec, gd, grads, withBias ? { buf: grads.buf, off: grads.off + OC * C } : null, d, x, wt, N, C, OC);
      });
      expectAllclose(await H.read(o, out.length), out, TOL);
      expectAllclose(await H.read(gd, dinp.length), dinp, TOL);
      expectAllclose(await H.read(grads, grads0.length), [...dw, ...db], TOL);
    });
  }

  it('gelu forward/backward (including large |x|) and the residual add', async () => {
    const H = await harness();
    const rng = new Rng(4);
    const N = 150;
    const inp = randomArray(N, rng, 3);
    inp[0] = 40; inp[1] = -40; inp[2] = 0;
    const dout = randomArray(N, rng), other = randomArray(N, rng);
    const out = new Float64Array(N), dinp = new Float64Array(N), sum = new Float64Array(N);
    geluForward(out, inp, N);
    geluBackward(dinp, dout, inp, N);
    residualForward(sum, inp, other, N);
    const x = H.f32(inp, 1), y = H.f32(other, 2), d = H.f32(dout, 3), o = H.zeros(N, 4), gd = H.zeros(N, 5), s = H.zeros(N, 6);
    await H.run((rec) => {
      gpuAct.geluForward(rec, o, x, N);
      gpuAct.geluBackward(rec, gd, d, x, N);
      gpuRes.residualForward(rec, s, x, y, N);
    });
    expectAllclose(await H.read(o, N), out, TOL);
    expectAllclose(await H.read(gd, N), dinp, TOL);
    expectAllclose(await H.read(s, N), sum, TOL);
  });
});
