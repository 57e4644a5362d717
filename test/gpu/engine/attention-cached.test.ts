// Grouped-query attention over the KV cache (engine_kv_write + engine_attention_cached), both
// variants, against the CPU reference's causal attention on each row's re-encoded sequence: a
// context written to one slot, then two branches in one ragged batch — one continuing the whole
// context, one branching mid-context (reading the context's slot below its prefixLen in place and
// its own slot above, where the context's slot holds other keys). q, k, v are rows inside one
// packed buffer with junk between them; the cache is one layer's block inside an all-layers buffer.
import { afterAll, describe, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { forceKernelProfile } from '../../../src/gpu/adapterProfile.ts';
import { gqaAttentionForward } from '../../../src/engine/cpu/layers/attention.ts';
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
afterAll(() => { if (h) forceKernelProfile(h.ctx, null); h?.dispose(); });

interface Token { q: Float64Array; k: Float64Array; v: Float64Array }

/** Attention outputs of a sequence's last `n` positions by the CPU reference (B = 1). */
function reference(seq: Token[], n: number, NH: number, NKV: number, HD: number): Float64Array {
  const T = seq.length;
  const cat = (part: keyof Token) => Float64Array.from(seq.flatMap((t) => [...t[part]]));
  const out = new Float64Array(T * NH * HD);
  gqaAttentionForward(out, new Float64Array(NH * T * T), new Float64Array(NH * T * T), cat('q'), cat('k'), cat('v'), 1, T, NH, NKV, HD);
  return out.subarray((T - n) * NH * HD);
}

const CASES = [
  { NH: 4, NKV: 2, HD: 64, ctxLen: 9, cut: 5 },
  { NH: 6, NKV: 3, HD: 128, ctxLen: 9, cut: 4 },
  { NH: 2, NKV: 1, HD: 10, ctxLen: 70, cut: 66 }, // past one flash tile (64 positions) in both slots
  { NH: 2, NKV: 2, HD: 256, ctxLen: 5, cut: 2 },
];

describe('KV-cache grouped-query attention vs the CPU reference', () => {
  for (const profile of ['software', 'hardware'] as const) {
    for (const { NH, NKV, HD, ctxLen, cut } of CASES) {
      it(`${profile}: NH ${NH}, NKV ${NKV}, HD ${HD}; context ${ctxLen}, branches at ${ctxLen} and ${cut}`, async () => {
        const H = await harness();
        forceKernelProfile(H.ctx, profile);
        const rng = new Rng(NH * 1000 + HD);
        const QD = NH * HD, KVD = NKV * HD;
        const token = (kScale = 1): Token => ({ q: randomArray(QD, rng), k: randomArray(KVD, rng, kScale), v: randomArray(KVD, rng) });
        // keys past the first flash tile are larger, so a later tile raises the running max
        const ctx = Array.from({ length: ctxLen }, (_, p) => token(p >= 64 ? 3 : 1));
        const a = Array.from({ length: 4 }, token); // slot 0, continues the whole context
        const b = Array.from({ length: 3 }, token); // slot 1, branches at `cut`
        const S = 3, maxT = ctxLen + 6, L = 2, layer = 1;
        // rows (pos, ownBase, prefixBase, prefixLen) over S regions of maxT cache rows (region s at s·maxT);
        // the branch batch interleaves a and b (ragged)
        const ctxRows = ctx.map((_, p) => [p, 2 * maxT, 0, 0]);
        const order: ['a' | 'b', number][] = [['a', 0], ['b', 0], ['b', 1], ['a', 1], ['a', 2], ['b', 2], ['a', 3]];
        const brTokens = order.map(([w, i]) => (w === 'a' ? a[i] : b[i]));
        const brRows = order.map(([w, i]) => (w === 'a' ? [ctxLen + i, 0, 2 * maxT, ctxLen] : [cut + i, maxT, 2 * maxT, cut]));

        const refA = reference([...ctx, ...a], a.length, NH, NKV, HD);
        const refB = reference([...ctx.slice(0, cut), ...b], b.length, NH, NKV, HD);
        const refCtx = reference(ctx, ctxLen, NH, NKV, HD);
        const expectedBr = Float64Array.from(order.flatMap(([w, i]) => [...(w === 'a' ? refA : refB).subarray(i * QD, (i + 1) * QD)]));

        // packed rows [q | junk | k | junk | v]
        const W = QD + KVD + 1 + KVD + 2, kCol = QD + 1, vCol = QD + 1 + KVD + 2;
        const pack = (ts: Token[]) => {
          const n = ts.length;
          const p = packRows(Float64Array.from(ts.flatMap((t) => [...t.q])), n, QD, W, 0);
          const k = packRows(Float64Array.from(ts.flatMap((t) => [...t.k])), n, KVD, W, kCol);
          const v = packRows(Float64Array.from(ts.flatMap((t) => [...t.v])), n, KVD, W, vCol);
          for (let r = 0; r < n; r++) for (let c = 0; c < KVD; c++) { p[r * W + kCol + c] = k[r * W + kCol + c]; p[r * W + vCol + c] = v[r * W + vCol + c]; }
          return p;
        };
        const kv = H.f32(randomArray(L * 2 * S * maxT * KVD, rng), 3); // junk everywhere not written
        const block = at(kv.buf, kv.off + layer * 2 * S * maxT * KVD);
        const shape = { R: S * maxT }, heads = { NH, NKV, HD };
        const run = async (ts: Token[], rowInfo: number[][]) => {
          const x = H.f32(pack(ts), 5), o = H.zeros(ts.length * QD, 2), r = H.i32(Int32Array.from(rowInfo.flat()));
          const rowsOf = (col: number) => strided(at(x.buf, x.off + col), W);
          await H.run((rec) => {
            gpuAtt.kvWrite(rec, block, rowsOf(kCol), rowsOf(vCol), r, ts.length, heads, shape);
            gpuAtt.attentionCached(rec, o, rowsOf(0), block, r, ts.length, heads, shape);
          });
          return H.read(o, ts.length * QD);
        };
        expectAllclose(await run(ctx, ctxRows), refCtx, TOL);
        expectAllclose(await run(brTokens, brRows), expectedBr, TOL);
        // the cache holds the k rows where kv_write put them: context position 1 at row 2·maxT + 1
        const got = await H.read(block, 2 * S * maxT * KVD);
        expectAllclose(unpackRows(got, 1, KVD, KVD, (2 * maxT + 1) * KVD), ctx[1].k.map(Math.fround), { rtol: 0, atol: 0 });
      });
    }
  }
});
