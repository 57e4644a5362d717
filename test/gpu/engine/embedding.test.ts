// The token embedding gather with wte at file precision (f32, f16, bf16) against the float64 CPU
// reference on the same rounded values: without a position table (the Llama family) and with an f32
// wpe in another buffer; odd C so half rows start mid-word, odd element offsets, ids 0 and V − 1.
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { encoderForward, tokenEmbeddingForward } from '../../../src/engine/cpu/layers/encoder.ts';
import { embeddingForward } from '../../../src/engine/gpu/layers/encoder.ts';
import type { WeightDType } from '../../../src/engine/gpu/tensor.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { Harness } from './harness.ts';
import { gpu, randomArray, randomIds } from './helpers.ts';

let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => h?.dispose());

describe('embedding gather with wte at file precision', () => {
  for (const dtype of ['f32', 'f16', 'bf16'] as WeightDType[]) {
    it(`${dtype} wte [1000, 7] at offset 3: without wpe, then with an f32 wpe`, async () => {
      const H = await harness();
      const rng = new Rng(40);
      const B = 3, T = 5, C = 7, V = 1000, maxT = 6, N = B * T;
      const wte = H.weight(randomArray(V * C, rng), dtype, 3);
      const wpe = randomArray(maxT * C, rng);
      const tokens = randomIds(N, V, rng);
      tokens[0] = 0;
      tokens[N - 1] = V - 1;
      const positions = Int32Array.from({ length: N }, (_, i) => i % T);
      const plain = new Float64Array(N * C), withPos = new Float64Array(N * C);
      tokenEmbeddingForward(plain, tokens, wte.values, N, C);
      encoderForward(withPos, tokens, wte.values, wpe, B, T, C);

      const tk = H.i32(tokens), ps = H.i32(positions), pe = H.f32(wpe, 5);
      const o1 = H.f32(randomArray(N * C, rng), 1), o2 = H.zeros(N * C, 2);
      await H.run((rec) => {
        embeddingForward(rec, o1, tk, null, wte.t, null, N, C);
        embeddingForward(rec, o2, tk, ps, wte.t, pe, N, C);
      });
      expectAllclose(await H.read(o1, N * C), plain, { rtol: 0, atol: 0 }); // a gather: exact
      expectAllclose(await H.read(o2, N * C), withPos, { rtol: 1e-6, atol: 1e-6 });
    });
  }

  it('refuses a half-precision wpe and a wpe without positions', async () => {
    const H = await harness();
    const w = H.weight(new Float64Array(8), 'bf16').t, o = H.zeros(8), tk = H.i32(new Int32Array(2));
    await H.run((rec) => {
      expect(() => embeddingForward(rec, o, tk, tk, w, w, 2, 4)).toThrow('the position embedding must be f32, got bf16');
      expect(() => embeddingForward(rec, o, tk, null, w, o, 2, 4)).toThrow('a position embedding needs the positions buffer');
    });
  });
});
