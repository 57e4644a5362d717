// The Llama-family layer runners (RMSNorm incl. the per-head q/k norm in place, rotary, SwiGLU;
// forward and backward) against their float64 CPU references, both kernel variants where there are
// two, on odd shapes, tensors at non-zero element offsets and rows inside packed buffers.
import { afterAll, describe, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { forceKernelProfile } from '../../../src/gpu/adapterProfile.ts';
import { rmsnormBackward, rmsnormForward } from '../../../src/engine/cpu/layers/rmsnorm.ts';
import { rotaryBackward, rotaryForward } from '../../../src/engine/cpu/layers/rotary.ts';
import { swigluBackward, swigluForward } from '../../../src/engine/cpu/layers/swiglu.ts';
import * as gpuNorm from '../../../src/engine/gpu/layers/rmsnorm.ts';
import * as gpuRot from '../../../src/engine/gpu/layers/rotary.ts';
import * as gpuGlu from '../../../src/engine/gpu/layers/swiglu.ts';
import { strided } from '../../../src/engine/gpu/layers/rows.ts';
import { at } from '../../../src/engine/gpu/tensor.ts';
import { ropeInvFreq, ropeTable } from '../../../src/engine/rope.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { Harness } from './harness.ts';
import { gpu, randomArray } from './helpers.ts';
import { packRows, unpackRows } from './packedRows.ts';

const TOL = { rtol: 1e-4, atol: 1e-5 };
const PROFILES = ['software', 'hardware'] as const;
let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => { if (h) forceKernelProfile(h.ctx, null); h?.dispose(); });

describe('RMSNorm runners vs the CPU reference', () => {
  for (const profile of PROFILES) {
    for (const D of [13, 600]) {
      it(`${profile}: hidden-state norm, D = ${D}, strided input rows, backward overwriting and accumulating`, async () => {
        const H = await harness();
        forceKernelProfile(H.ctx, profile);
        const rng = new Rng(D);
        const N = 11, eps = 1e-5, stride = D + 3;
        const inp = randomArray(N * D, rng, 2), w = randomArray(D, rng), dout = randomArray(N * D, rng);
        const out = new Float64Array(N * D), rstd = new Float64Array(N);
        rmsnormForward(out, rstd, inp, w, N, D, eps);
        const dinp = new Float64Array(N * D), dw0 = randomArray(D, rng), dw = dw0.slice();
        rmsnormBackward(dinp, dw, dout, inp, w, rstd, N, D);
        rmsnormBackward(new Float64Array(N * D), dw, dout, inp, w, rstd, N, D); // dweight accumulates twice
        const dacc0 = randomArray(N * D, rng);

        const x = H.f32(packRows(inp, N, D, stride, 2), 5), wt = H.f32(w, 3), o = H.zeros(N * D, 1), r = H.zeros(N, 7);
        const d = H.f32(dout, 2), gOver = H.zeros(N * D, 4), gAcc = H.f32(dacc0, 6), gw = H.f32(dw0, 9);
        const xs = strided(at(x.buf, x.off + 2), stride);
        await H.run((rec) => {
          gpuNorm.rmsnormForward(rec, o, r, xs, wt, N, D, eps);
          gpuNorm.rmsnormBackward(rec, gOver, gw, d, xs, wt, r, N, D, false);
          gpuNorm.rmsnormBackward(rec, gAcc, gw, d, xs, wt, r, N, D, true);
        });
        expectAllclose(await H.read(o, N * D), out, TOL);
        expectAllclose(await H.read(r, N), rstd, TOL);
        expectAllclose(await H.read(gOver, N * D), dinp, TOL);
        expectAllclose(await H.read(gAcc, N * D), dinp.map((v, i) => v + dacc0[i]), TOL);
        expectAllclose(await H.read(gw, D), dw, TOL);
      });
    }

    it(`${profile}: Qwen3 per-head q and k norm in place inside packed qkv rows (NH 4, NKV 2, HD 6), and its backward`, async () => {
      const H = await harness();
      forceKernelProfile(H.ctx, profile);
      const rng = new Rng(31);
      const N = 5, NH = 4, NKV = 2, HD = 6, eps = 1e-6;
      const QD = NH * HD, KVD = NKV * HD, W = QD + 2 * KVD;
      const qkv = randomArray(N * W, rng, 1.5), wq = randomArray(HD, rng), wk = randomArray(HD, rng);
      const q = unpackRows(qkv, N, QD, W, 0), k = unpackRows(qkv, N, KVD, W, QD);
      const qn = new Float64Array(q.length), kn = new Float64Array(k.length), rq = new Float64Array(N * NH), rk = new Float64Array(N * NKV);
      rmsnormForward(qn, rq, q, wq, N * NH, HD, eps);
      rmsnormForward(kn, rk, k, wk, N * NKV, HD, eps);
      const expected = qkv.slice();
      for (let n = 0; n < N; n++) {
        expected.set(qn.subarray(n * QD, (n + 1) * QD), n * W);
        expected.set(kn.subarray(n * KVD, (n + 1) * KVD), n * W + QD);
      }
      // backward of the q norm, gradients in packed [N, W] rows (dinp into a second packed buffer)
      const dq = randomArray(N * QD, rng), dqIn = new Float64Array(N * QD), dwq = new Float64Array(HD);
      rmsnormBackward(dqIn, dwq, dq, q, wq, rq, N * NH, HD);

      const x = H.f32(qkv, 3), ws = H.f32([...wq, ...wk], 2), r = H.zeros(N * (NH + NKV), 1);
      const saved = H.f32(qkv, 4); // the forward's input, kept for the backward
      const dOut = H.f32(packRows(dq, N, QD, W, 0), 6), dIn = H.zeros(N * W, 5), gw = H.zeros(HD, 2);
      await H.run((rec) => {
        gpuNorm.rmsnormForward(rec, strided(x, W), r, strided(x, W), ws, N, HD, eps, NH);
        const kRows = strided(at(x.buf, x.off + QD), W);
        gpuNorm.rmsnormForward(rec, kRows, at(r.buf, r.off + N * NH), kRows, at(ws.buf, ws.off + HD), N, HD, eps, NKV);
        gpuNorm.rmsnormBackward(rec, strided(dIn, W), gw, strided(dOut, W), strided(saved, W), ws, r, N, HD, false, NH);
      });
      expectAllclose(await H.read(x, N * W), expected, TOL); // v part untouched
      expectAllclose(await H.read(r, N * (NH + NKV)), [...rq, ...rk], TOL);
      expectAllclose(unpackRows(await H.read(dIn, N * W), N, QD, W, 0), dqIn, TOL);
      expectAllclose(await H.read(gw, HD), dwq, TOL);
    });
  }
});

describe('rotary runner vs the CPU reference', () => {
  it('rotates q rows inside packed qkv in place at ragged positions, and back (the gradient)', async () => {
    const H = await harness();
    const rng = new Rng(41);
    const N = 5, NH = 3, NKV = 1, HD = 8, P = 13;
    const QD = NH * HD, W = QD + 2 * NKV * HD;
    const table = ropeTable(ropeInvFreq(HD, 10000), P);
    const positions = Int32Array.from([0, 7, 3, 3, 12]);
    const qkv = randomArray(N * W, rng), dq = randomArray(N * QD, rng);
    const q = unpackRows(qkv, N, QD, W, 0), qr = new Float64Array(q.length), dqr = new Float64Array(q.length);
    rotaryForward(qr, q, positions, table, N, NH, HD, P);
    rotaryBackward(dqr, dq, positions, table, N, NH, HD, P);
    const k = unpackRows(qkv, N, HD, W, QD), kr = new Float64Array(k.length);
    rotaryForward(kr, k, positions, table, N, NKV, HD, P);

    const x = H.f32(qkv, 3), tab = H.f32(table, 5), pos = H.i32(positions), g = H.f32(packRows(dq, N, QD, W + 1, 1), 2);
    await H.run((rec) => {
      gpuRot.rotaryForward(rec, strided(x, W), pos, tab, N, NH, HD, P);
      gpuRot.rotaryForward(rec, strided(at(x.buf, x.off + QD), W), pos, tab, N, NKV, HD, P);
      gpuRot.rotaryBackward(rec, strided(at(g.buf, g.off + 1), W + 1), pos, tab, N, NH, HD, P);
    });
    const got = await H.read(x, N * W);
    expectAllclose(unpackRows(got, N, QD, W, 0), qr, TOL);
    expectAllclose(unpackRows(got, N, HD, W, QD), kr, TOL);
    expectAllclose(unpackRows(got, N, HD, W, QD + HD), unpackRows(qkv, N, HD, W, QD + HD), TOL); // v untouched
    expectAllclose(unpackRows(await H.read(g, N * (W + 1)), N, QD, W + 1, 1), dqr, TOL);
  });

  it('writes NaN for a position outside the table (visible, never a silently wrong angle)', async () => {
    const H = await harness();
    const HD = 4, P = 3;
    const x = H.f32([1, 2, 3, 4, 5, 6, 7, 8]), tab = H.f32(ropeTable(ropeInvFreq(HD, 10000), P)), pos = H.i32(Int32Array.from([2, 3]));
    await H.run((rec) => gpuRot.rotaryForward(rec, x, pos, tab, 2, 1, HD, P));
    const got = await H.read(x, 8);
    if (![...got.subarray(4)].every(Number.isNaN) || got.subarray(0, 4).some(Number.isNaN)) throw new Error(`expected NaN only in row 1: ${got}`);
  });
});

describe('SwiGLU runners vs the CPU reference', () => {
  it('forward and backward on the halves of fused [N, 2I] rows (large |gate| included)', async () => {
    const H = await harness();
    const rng = new Rng(51);
    const N = 7, I = 9;
    const gu = randomArray(N * 2 * I, rng, 3);
    gu[0] = 60; gu[1] = -60; gu[2] = 0;
    const gate = unpackRows(gu, N, I, 2 * I, 0), up = unpackRows(gu, N, I, 2 * I, I), dout = randomArray(N * I, rng);
    const out = new Float64Array(N * I), dgate = new Float64Array(N * I), dup = new Float64Array(N * I);
    swigluForward(out, gate, up, N * I);
    swigluBackward(dgate, dup, dout, gate, up, N * I);

    const x = H.f32(gu, 3), o = H.zeros(N * I, 2), d = H.f32(dout, 5), dgu = H.zeros(N * 2 * I, 4);
    await H.run((rec) => {
      gpuGlu.swigluForward(rec, o, strided(x, 2 * I), strided(at(x.buf, x.off + I), 2 * I), N, I);
      gpuGlu.swigluBackward(rec, strided(dgu, 2 * I), strided(at(dgu.buf, dgu.off + I), 2 * I), d, strided(x, 2 * I), strided(at(x.buf, x.off + I), 2 * I), N, I);
    });
    expectAllclose(await H.read(o, N * I), out, TOL);
    const g = await H.read(dgu, N * 2 * I);
    expectAllclose(unpackRows(g, N, I, 2 * I, 0), dgate, TOL);
    expectAllclose(unpackRows(g, N, I, 2 * I, I), dup, TOL);
  });
});
