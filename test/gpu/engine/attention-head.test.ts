// Attention (training forward/backward, and the KV-cache pair) and the log-prob head against
// their float64 CPU references in src/engine/cpu/layers.
import { afterAll, describe, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { attentionBackward, attentionForward } from '../../../src/engine/cpu/layers/attention.ts';
import { logProbHeadBackward, logProbHeadForward } from '../../../src/engine/cpu/layers/logprobHead.ts';
import * as gpuAtt from '../../../src/engine/gpu/layers/attention.ts';
import * as gpuHead from '../../../src/engine/gpu/layers/logprobHead.ts';
import { at } from '../../../src/engine/gpu/tensor.ts';
import { strided } from '../../../src/engine/gpu/layers/rows.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { Harness } from './harness.ts';
import { gpu, randomArray, randomIds } from './helpers.ts';

const TOL = { rtol: 1e-4, atol: 1e-5 };
let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => h?.dispose());

describe('attention and head runners vs the CPU reference', () => {
  it('causal attention forward (saved softmax) and backward', async () => {
    const H = await harness();
    const rng = new Rng(5);
    const B = 2, T = 6, C = 12, NH = 3;
    const qkv = randomArray(B * T * 3 * C, rng), dout = randomArray(B * T * C, rng);
    const out = new Float64Array(B * T * C), pre = new Float64Array(B * NH * T * T), att = new Float64Array(B * NH * T * T);
    attentionForward(out, pre, att, qkv, B, T, C, NH);
    const dqkv = new Float64Array(B * T * 3 * C);
    attentionBackward(dqkv, new Float64Array(pre.length), new Float64Array(att.length), dout, qkv, att, B, T, C, NH);

    const x = H.f32(qkv, 3), o = H.zeros(out.length, 1), a = H.zeros(att.length, 2), d = H.f32(dout, 4);
    const gq = H.zeros(dqkv.length), scratch = H.zeros(att.length);
    await H.run((rec) => {
      gpuAtt.attentionForward(rec, o, a, x, B, T, C, NH);
      gpuAtt.attentionBackward(rec, gq.buf, scratch.buf, d, x, a, B, T, C, NH);
    });
    expectAllclose(await H.read(o, out.length), out, TOL);
    expectAllclose(await H.read(a, att.length), att, TOL);
    expectAllclose(await H.read(gq, dqkv.length), dqkv, TOL);
  });

  it('KV-cache attention of rows split between a shared prefix region and their own region', async () => {
    const H = await harness();
    const rng = new Rng(6);
    const T = 7, C = 8, NH = 2, R = 20;
    const qkv = randomArray(T * 3 * C, rng);
    const out = new Float64Array(T * C);
    attentionForward(out, new Float64Array(NH * T * T), new Float64Array(NH * T * T), qkv, 1, T, C, NH);
    // positions 0..3 are the "context" at cache rows 11..14; positions 4..6 write rows 2..4 and
    // read positions 0..3 from the context region in place
    const split = 4, ctxBase = 11, ownBase = 2;
    const rows = new Int32Array(4 * T);
    for (let p = 0; p < T; p++) rows.set(p < split ? [p, ctxBase, 0, 0] : [p, ownBase, ctxBase, split], 4 * p);
    const kv = H.f32(randomArray(2 * R * C, rng), 6); // junk everywhere not written, at an element offset
    const x = H.f32(qkv, 5), o = H.zeros(T * C, 3), r = H.i32(rows);
    const shape = { R }, heads = { NH, NKV: NH, HD: C / NH };
    await H.run((rec) => {
      gpuAtt.kvWrite(rec, kv, strided(at(x.buf, x.off + C), 3 * C), strided(at(x.buf, x.off + 2 * C), 3 * C), r, T, heads, shape);
      gpuAtt.attentionCached(rec, o, strided(x, 3 * C), kv, r, T, heads, shape);
    });
    expectAllclose(await H.read(o, out.length), out, TOL);
  });

  it('log-prob head forward (logp, entropy) and backward, with masked rows and large logits', async () => {
    const H = await harness();
    const rng = new Rng(7);
    const N = 9, V = 37;
    const logits = randomArray(N * V, rng, 4);
    logits[5] = 60; // a dominant logit: max subtraction matters
    const targets = randomIds(N, V, rng);
    targets[3] = -1;
    const dlogp = randomArray(N, rng);
    const logp = new Float64Array(N), ent = new Float64Array(N), probs = new Float64Array(N * V), dlogits = new Float64Array(N * V);
    logProbHeadForward(logp, ent, probs, logits, targets, 1, N, V);
    logProbHeadBackward(dlogits, dlogp, probs, targets, 1, N, V);

    const lg = H.f32(logits, 2), lgBwd = H.f32(logits), tg = H.i32(targets), dl = H.f32(dlogp);
    const lp = H.zeros(N), en = H.zeros(N), lse = H.zeros(N), dlg = H.zeros(N * V);
    await H.run((rec) => {
      gpuHead.logProbHeadForward(rec, lp.buf, en.buf, lse.buf, lg, tg, N, V);
      gpuHead.logProbHeadBackward(rec, dlg.buf, dl.buf, lgBwd.buf, lse.buf, tg, N, V);
    });
    expectAllclose(await H.read(lp, N), logp, TOL);
    expectAllclose(await H.read(en, N), ent, TOL);
    expectAllclose(await H.read(at(dlg.buf), N * V), dlogits, TOL);
  });
});
