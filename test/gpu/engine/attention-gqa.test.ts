// Training grouped-query attention (forward with the saved softmax, backward dq, dk, dv with dk/dv
// summed over each group) against the float64 CPU reference: q, k, v as rows inside one packed
// buffer with junk columns, the gradients as rows of another layout (dense regions of one buffer).
import { afterAll, describe, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { gqaAttentionBackward, gqaAttentionForward } from '../../../src/engine/cpu/layers/attention.ts';
import * as gpuAtt from '../../../src/engine/gpu/layers/attention.ts';
import { strided } from '../../../src/engine/gpu/layers/rows.ts';
import { at } from '../../../src/engine/gpu/tensor.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { Harness } from './harness.ts';
import { gpu, randomArray } from './helpers.ts';
import { packRows, unpackRows } from './packedRows.ts';

const TOL = { rtol: 1e-4, atol: 1e-5 };
let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => h?.dispose());

describe('grouped-query training attention vs the CPU reference', () => {
  for (const [NH, NKV, HD] of [[4, 2, 3], [6, 3, 8], [2, 1, 5]]) {
    it(`NH ${NH}, NKV ${NKV}, HD ${HD}: forward, saved softmax, dq / dk / dv`, async () => {
      const H = await harness();
      const rng = new Rng(NH * 10 + HD);
      const B = 2, T = 5, BT = B * T, QD = NH * HD, KVD = NKV * HD;
      const q = randomArray(BT * QD, rng), k = randomArray(BT * KVD, rng), v = randomArray(BT * KVD, rng), dout = randomArray(BT * QD, rng);
      const out = new Float64Array(BT * QD), pre = new Float64Array(B * NH * T * T), att = new Float64Array(B * NH * T * T);
      gqaAttentionForward(out, pre, att, q, k, v, B, T, NH, NKV, HD);
      const dq = new Float64Array(BT * QD), dk = new Float64Array(BT * KVD), dv = new Float64Array(BT * KVD);
      gqaAttentionBackward(dq, dk, dv, new Float64Array(att.length), new Float64Array(att.length), dout, q, k, v, att, B, T, NH, NKV, HD);

      // inputs: rows [k | junk | q | v | junk]
      const W = KVD + 2 + QD + KVD + 1, kCol = 0, qCol = KVD + 2, vCol = KVD + 2 + QD;
      const packed = packRows(k, BT, KVD, W, kCol);
      const qp = packRows(q, BT, QD, W, qCol), vp = packRows(v, BT, KVD, W, vCol);
      for (let r = 0; r < BT; r++) {
        for (let c = 0; c < QD; c++) packed[r * W + qCol + c] = qp[r * W + qCol + c];
        for (let c = 0; c < KVD; c++) packed[r * W + vCol + c] = vp[r * W + vCol + c];
      }
      const x = H.f32(packed, 7), d = H.f32(dout, 3), o = H.zeros(BT * QD, 2), a = H.zeros(att.length, 5);
      const grads = H.zeros(BT * (QD + 2 * KVD), 4), scratch = H.zeros(att.length);
      const col = (t: typeof x, c: number, stride: number) => strided(at(t.buf, t.off + c), stride);
      const heads = { NH, NKV, HD };
      await H.run((rec) => {
        gpuAtt.gqaAttentionForward(rec, o, a, col(x, qCol, W), col(x, kCol, W), col(x, vCol, W), B, T, heads);
        // gradients: three dense regions of one buffer
        gpuAtt.gqaAttentionBackward(rec, grads, at(grads.buf, grads.off + BT * QD), at(grads.buf, grads.off + BT * (QD + KVD)), scratch.buf, d,
          col(x, qCol, W), col(x, kCol, W), col(x, vCol, W), a, B, T, heads);
      });
      expectAllclose(await H.read(o, out.length), out, TOL);
      expectAllclose(await H.read(a, att.length), att, TOL);
      const g = await H.read(grads, BT * (QD + 2 * KVD));
      expectAllclose(g.subarray(0, BT * QD), dq, TOL);
      expectAllclose(unpackRows(g, 1, BT * KVD, 0, BT * QD), dk, TOL);
      expectAllclose(g.subarray(BT * (QD + KVD)), dv, TOL);
    });
  }
});
