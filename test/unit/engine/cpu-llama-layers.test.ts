// The Llama-family layers of the CPU reference (RMSNorm, rotary, SwiGLU, grouped-query attention):
// forward against hand-computed values or an independent formulation, backward against central
// finite differences of L = Σ w · out.
import { describe, expect, it } from 'vitest';
import { rmsnormBackward, rmsnormForward } from '../../../src/engine/cpu/layers/rmsnorm.ts';
import { rotaryBackward, rotaryForward } from '../../../src/engine/cpu/layers/rotary.ts';
import { swigluBackward, swigluForward } from '../../../src/engine/cpu/layers/swiglu.ts';
import { gqaAttentionBackward, gqaAttentionForward } from '../../../src/engine/cpu/layers/attention.ts';
import { ropeInvFreq, ropeTable } from '../../../src/engine/rope.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { randomArray } from './fixtures.ts';
import { gradCheck } from './gradCheck.ts';

const rng = new Rng(77);

describe('rmsnorm', () => {
  it('divides by the root mean square (hand case) and scales by the weight', () => {
    // row [3, 4]: mean square 12.5; row [1, −1]: 1. eps 0.5
    const out = new Float64Array(4), rstd = new Float64Array(2);
    rmsnormForward(out, rstd, Float64Array.from([3, 4, 1, -1]), Float64Array.from([2, 10]), 2, 2, 0.5);
    expect([...rstd]).toEqual([1 / Math.sqrt(13), 1 / Math.sqrt(1.5)]);
    expectAllclose(out, [6 / Math.sqrt(13), 40 / Math.sqrt(13), 2 / Math.sqrt(1.5), -10 / Math.sqrt(1.5)], { rtol: 1e-15, atol: 0 });
  });
  it('backward (dinp, dweight) matches finite differences', () => {
    const N = 5, C = 6, eps = 1e-3;
    const inp = randomArray(N * C, rng, 1.5), weight = randomArray(C, rng);
    const out = new Float64Array(N * C), rstd = new Float64Array(N);
    gradCheck({ inp, weight }, () => { rmsnormForward(out, rstd, inp, weight, N, C, eps); return out.slice(); }, (dout) => {
      const g = { inp: new Float64Array(N * C).fill(5), weight: new Float64Array(C) };
      rmsnormBackward(g.inp, g.weight, dout, inp, weight, rstd, N, C);
      return g;
    });
  });
});

describe('rotary', () => {
  it('rotates each (i, i + HD/2) pair by the position angle (hand case: HD 4, θ 10000)', () => {
    // inv_freq [1, 0.01]: position 2 turns pair 0 by 2 rad and pair 1 by 0.02 rad
    const table = ropeTable(ropeInvFreq(4, 10000), 3);
    const out = new Float64Array(4);
    rotaryForward(out, Float64Array.from([1, 0, 0, 1]), Int32Array.from([2]), table, 1, 1, 4, 3);
    const f = Math.fround;
    // pair 0 = (x0, x2) = (1, 0) → (cos 2, sin 2); pair 1 = (x1, x3) = (0, 1) → (−sin 0.02, cos 0.02)
    expectAllclose(out, [f(Math.cos(2)), -f(Math.sin(f(0.02))), f(Math.sin(2)), f(Math.cos(f(0.02)))], { rtol: 1e-15, atol: 1e-16 });
  });
  it('backward is the transposed rotation: matches finite differences and undoes forward', () => {
    const N = 3, H = 2, HD = 6, P = 11;
    const table = ropeTable(ropeInvFreq(HD, 10000), P);
    const positions = Int32Array.from([0, 10, 4]);
    const inp = randomArray(N * H * HD, rng), out = new Float64Array(inp.length);
    gradCheck({ inp }, () => { rotaryForward(out, inp, positions, table, N, H, HD, P); return out.slice(); }, (dout) => {
      const g = { inp: new Float64Array(inp.length) };
      rotaryBackward(g.inp, dout, positions, table, N, H, HD, P);
      return g;
    });
    const back = new Float64Array(inp.length);
    rotaryForward(out, inp, positions, table, N, H, HD, P);
    rotaryBackward(back, out, positions, table, N, H, HD, P);
    // cos² + sin² of float32 table entries is 1 within ~1e-7
    expectAllclose(back, inp, { rtol: 1e-6, atol: 1e-6 });
    expect(() => rotaryForward(out, inp, Int32Array.from([0, 11, 0]), table, N, H, HD, P)).toThrow("position 11 of row 1 is outside the table's 11");
  });
});

describe('swiglu', () => {
  it('silu(gate) · up against values computed independently (Python math)', () => {
    const out = new Float64Array(3);
    swigluForward(out, Float64Array.from([1, -2, 0]), Float64Array.from([2, 3, 5]), 3);
    // silu(1) = 0.7310585786300049, silu(−2) = −0.23840584404423515
    expectAllclose(out, [1.4621171572600098, -0.7152175321327052, 0], { rtol: 1e-14, atol: 1e-15 });
  });
  it('backward (dgate, dup) matches finite differences, including large |gate|', () => {
    const N = 14;
    const gate = randomArray(N, rng, 3), up = randomArray(N, rng);
    gate[0] = 30; gate[1] = -30;
    const out = new Float64Array(N);
    gradCheck({ gate, up }, () => { swigluForward(out, gate, up, N); return out.slice(); }, (dout) => {
      const g = { gate: new Float64Array(N), up: new Float64Array(N) };
      swigluBackward(g.gate, g.up, dout, gate, up, N);
      return g;
    });
  });
});

/** Independent formulation: repeat each kv head NH/NKV times (transformers' repeat_kv), then per head softmax(QKᵀ/√HD + mask)V. */
function gqaReference(q: Float64Array, k: Float64Array, v: Float64Array, B: number, T: number, NH: number, NKV: number, HD: number): Float64Array {
  const out = new Float64Array(B * T * NH * HD);
  const rep = (x: Float64Array, b: number, t: number, h: number, i: number) => x[((b * T + t) * NKV + Math.floor(h / (NH / NKV))) * HD + i];
  for (let b = 0; b < B; b++) for (let h = 0; h < NH; h++) for (let t = 0; t < T; t++) {
    const s = Array.from({ length: t + 1 }, (_, j) => {
      let d = 0;
      for (let i = 0; i < HD; i++) d += q[((b * T + t) * NH + h) * HD + i] * rep(k, b, j, h, i);
      return d / Math.sqrt(HD);
    });
    const m = Math.max(...s);
    const e = s.map((x) => Math.exp(x - m));
    const z = e.reduce((a, x) => a + x, 0);
    for (let i = 0; i < HD; i++) out[((b * T + t) * NH + h) * HD + i] = e.reduce((a, x, j) => a + (x / z) * rep(v, b, j, h, i), 0);
  }
  return out;
}

describe('grouped-query attention', () => {
  for (const [NH, NKV, HD] of [[4, 2, 3], [6, 3, 2], [2, 1, 5], [3, 3, 4]]) {
    it(`NH ${NH}, NKV ${NKV}, HD ${HD}: forward = repeat_kv reference, backward = finite differences`, () => {
      const B = 2, T = 4;
      const q = randomArray(B * T * NH * HD, rng, 1.2), k = randomArray(B * T * NKV * HD, rng, 1.2), v = randomArray(B * T * NKV * HD, rng);
      const out = new Float64Array(B * T * NH * HD), pre = new Float64Array(B * NH * T * T), att = new Float64Array(B * NH * T * T);
      gqaAttentionForward(out, pre, att, q, k, v, B, T, NH, NKV, HD);
      expectAllclose(out, gqaReference(q, k, v, B, T, NH, NKV, HD), { rtol: 1e-12, atol: 1e-13 });
      gradCheck({ q, k, v }, () => { gqaAttentionForward(out, pre, att, q, k, v, B, T, NH, NKV, HD); return out.slice(); }, (dout) => {
        const g = { q: new Float64Array(q.length).fill(2), k: new Float64Array(k.length).fill(2), v: new Float64Array(v.length).fill(2) };
        gqaAttentionBackward(g.q, g.k, g.v, new Float64Array(att.length), new Float64Array(att.length), dout, q, k, v, att, B, T, NH, NKV, HD);
        return g;
      });
    });
  }
});
