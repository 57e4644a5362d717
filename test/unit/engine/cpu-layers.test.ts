// Each layer of the CPU reference: forward against hand-computed values or an independent
// formulation, backward against central finite differences of L = Σ w · out.
import { describe, expect, it } from 'vitest';
import { LN_EPS } from '../../../src/engine/config.ts';
import { encoderBackward, encoderForward } from '../../../src/engine/cpu/layers/encoder.ts';
import { layernormBackward, layernormForward } from '../../../src/engine/cpu/layers/layernorm.ts';
import { matmulBackward, matmulForward } from '../../../src/engine/cpu/layers/matmul.ts';
import { attentionBackward, attentionForward } from '../../../src/engine/cpu/layers/attention.ts';
import { geluBackward, geluForward } from '../../../src/engine/cpu/layers/gelu.ts';
import { logProbHeadBackward, logProbHeadForward } from '../../../src/engine/cpu/layers/logprobHead.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { randomArray, randomIds } from './fixtures.ts';
import { gradCheck } from './gradCheck.ts';

const B = 2, T = 3, C = 4, NH = 2, V = 5;
const rng = new Rng(42);

describe('encoder', () => {
  it('adds token and position rows; backward accumulates into both tables', () => {
    const wte = randomArray(V * C, rng);
    const wpe = randomArray(T * C, rng);
    const inp = Int32Array.from([0, 3, 3, 4, 1, 0]);
    const out = new Float64Array(B * T * C);
    encoderForward(out, inp, wte, wpe, B, T, C);
    expect(out[(1 * T + 2) * C + 1]).toBe(wte[0 * C + 1] + wpe[2 * C + 1]);
    gradCheck({ wte, wpe }, () => { encoderForward(out, inp, wte, wpe, B, T, C); return out.slice(); }, (dout) => {
      const dwte = new Float64Array(V * C), dwpe = new Float64Array(T * C);
      encoderBackward(dwte, dwpe, dout, inp, B, T, C);
      return { wte: dwte, wpe: dwpe };
    });
  });
});

describe('layernorm', () => {
  it('normalises a hand row [1,2,3,4] with biased variance and eps', () => {
    const out = new Float64Array(4), mean = new Float64Array(1), rstd = new Float64Array(1);
    layernormForward(out, mean, rstd, Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 1, 2, 1]), Float64Array.from([0, 0, 0, 0.5]), 1, 1, 4);
    const s = 1 / Math.sqrt(1.25 + LN_EPS);
    expectAllclose(out, [-1.5 * s, -0.5 * s, 2 * 0.5 * s, 1.5 * s + 0.5], { rtol: 1e-14, atol: 1e-14 });
    expect(mean[0]).toBe(2.5);
  });
  it('backward matches finite differences for inp, weight and bias', () => {
    const inp = randomArray(B * T * C, rng), weight = randomArray(C, rng), bias = randomArray(C, rng);
    const out = new Float64Array(B * T * C), mean = new Float64Array(B * T), rstd = new Float64Array(B * T);
    gradCheck({ inp, weight, bias }, () => {
      layernormForward(out, mean, rstd, inp, weight, bias, B, T, C);
      return out.slice();
    }, (dout) => {
      const g = { inp: new Float64Array(inp.length).fill(99), weight: new Float64Array(C), bias: new Float64Array(C) };
      layernormBackward(g.inp, g.weight, g.bias, dout, inp, weight, mean, rstd, B, T, C);
      return g; // dinp pre-filled with 99: it must be overwritten, not accumulated
    });
  });
});

describe('matmul', () => {
  it('computes inp @ W^T + b with W [OC, C] on a hand case', () => {
    const out = new Float64Array(2);
    matmulForward(out, Float64Array.from([1, 2, 3]), Float64Array.from([1, 0, -1, 2, 2, 2]), Float64Array.from([0.5, -1]), 1, 1, 3, 2);
    expect(Array.from(out)).toEqual([1 - 3 + 0.5, 2 + 4 + 6 - 1]);
  });
  for (const withBias of [true, false]) {
    it(`backward matches finite differences (bias ${withBias ? 'on' : 'null'})`, () => {
      const OC = 3;
      const inp = randomArray(B * T * C, rng), weight = randomArray(OC * C, rng), bias = randomArray(OC, rng);
      const out = new Float64Array(B * T * OC);
      const wrt: Record<string, Float64Array> = withBias ? { inp, weight, bias } : { inp, weight };
      gradCheck(wrt, () => { matmulForward(out, inp, weight, withBias ? bias : null, B, T, C, OC); return out.slice(); }, (dout) => {
        const g = { inp: new Float64Array(inp.length).fill(7), weight: new Float64Array(OC * C), bias: new Float64Array(OC) };
        matmulBackward(g.inp, g.weight, withBias ? g.bias : null, dout, inp, weight, B, T, C, OC);
        return g;
      });
    });
  }
});

/** Independent formulation: per (b, h), O = softmax(Q K^T / √HS + causal mask) V. */
function attentionReference(qkv: Float64Array, B: number, T: number, C: number, NH: number): Float64Array {
  const HS = C / NH;
  const out = new Float64Array(B * T * C);
  const at = (b: number, t: number, part: number, h: number, i: number) => qkv[(b * T + t) * 3 * C + part * C + h * HS + i];
  for (let b = 0; b < B; b++) for (let h = 0; h < NH; h++) for (let t = 0; t < T; t++) {
    const s = Array.from({ length: t + 1 }, (_, j) => {
      let d = 0;
      for (let i = 0; i < HS; i++) d += at(b, t, 0, h, i) * at(b, j, 1, h, i);
      return d / Math.sqrt(HS);
    });
    const m = Math.max(...s);
    const e = s.map((x) => Math.exp(x - m));
    const z = e.reduce((a, x) => a + x, 0);
    for (let i = 0; i < HS; i++) {
      out[(b * T + t) * C + h * HS + i] = e.reduce((a, x, j) => a + (x / z) * at(b, j, 2, h, i), 0);
    }
  }
  return out;
}

describe('attention', () => {
  const qkv = randomArray(B * T * 3 * C, rng, 1.5);
  const out = new Float64Array(B * T * C);
  const preatt = new Float64Array(B * NH * T * T), att = new Float64Array(B * NH * T * T);
  it('matches an independent softmax(QK^T/√HS)V with a causal mask', () => {
    attentionForward(out, preatt, att, qkv, B, T, C, NH);
    expectAllclose(out, attentionReference(qkv, B, T, C, NH), { rtol: 1e-12, atol: 1e-13 });
    // position 0 sees only itself: out = v_0
    for (let i = 0; i < C; i++) expect(out[i]).toBeCloseTo(qkv[2 * C + i], 14);
    expect(att[1]).toBe(0); // row t=0, t2=1 masked
    expect(preatt[1]).toBe(-Infinity);
  });
  it('backward matches finite differences', () => {
    gradCheck({ qkv }, () => { attentionForward(out, preatt, att, qkv, B, T, C, NH); return out.slice(); }, (dout) => {
      const dinp = new Float64Array(qkv.length).fill(3);
      attentionBackward(dinp, new Float64Array(att.length), new Float64Array(att.length), dout, qkv, att, B, T, C, NH);
      return { qkv: dinp };
    });
  });
});

describe('gelu (tanh approximation)', () => {
  it('matches values computed independently (Python math)', () => {
    const out = new Float64Array(4);
    geluForward(out, Float64Array.from([1, -1, 2.5, 0]), 4);
    expectAllclose(out, [0.8411919906082768, -0.15880800939172324, 2.484915733910001, 0], { rtol: 1e-14, atol: 1e-15 });
  });
  it('backward matches finite differences', () => {
    const inp = randomArray(12, rng, 2);
    const out = new Float64Array(12);
    gradCheck({ inp }, () => { geluForward(out, inp, 12); return out.slice(); }, (dout) => {
      const dinp = new Float64Array(12).fill(5);
      geluBackward(dinp, dout, inp, 12);
      return { inp: dinp };
    });
  });
});

describe('log-prob + entropy head', () => {
  it('gives log p(target) and entropy on a hand row softmax = [1/6, 2/6, 3/6]', () => {
    const logits = Float64Array.from([0, Math.log(2), Math.log(3), 5, 5, 5]);
    const logp = new Float64Array(2), ent = new Float64Array(2), probs = new Float64Array(6);
    logProbHeadForward(logp, ent, probs, logits, Int32Array.from([2, -1]), 1, 2, 3);
    expect(logp[0]).toBeCloseTo(Math.log(0.5), 14);
    expect(logp[1]).toBe(0);
    const p = [1 / 6, 2 / 6, 3 / 6];
    expect(ent[0]).toBeCloseTo(-p.reduce((a, x) => a + x * Math.log(x), 0), 14);
    expect(ent[1]).toBeCloseTo(Math.log(3), 14);
  });
  it('backward of Σ dlogp · logp matches finite differences, masked rows give zero', () => {
    const logits = randomArray(B * T * V, rng, 2);
    const targets = randomIds(B * T, V, rng);
    targets[2] = -1;
    const logp = new Float64Array(B * T), ent = new Float64Array(B * T), probs = new Float64Array(B * T * V);
    gradCheck({ logits }, () => { logProbHeadForward(logp, ent, probs, logits, targets, B, T, V); return logp.slice(); }, (dlogp) => {
      const dlogits = new Float64Array(logits.length).fill(1);
      logProbHeadBackward(dlogits, dlogp, probs, targets, B, T, V);
      for (let i = 2 * V; i < 3 * V; i++) expect(dlogits[i]).toBe(0);
      return { logits: dlogits };
    });
  });
});
