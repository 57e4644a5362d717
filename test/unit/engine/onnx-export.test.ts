// The ONNX export run by ONNX Runtime (node, CPU EP) against the float64 CPU reference:
// (a) one full pass with empty past, (b) a pass split in two with the KV cache fed back,
// (c) batch 2 with left padding via attention_mask (+ one cached decode step after it).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../../../src/engine/onnx/export.ts';
import { exportGenerationConfig, exportHfConfig } from '../../../src/engine/onnx/hfConfig.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { allcloseReport } from '../../util/allclose.ts';
import { randomIds, randomParams } from './fixtures.ts';

const CFG: ModelConfig = { vocabSize: 13, blockSize: 10, nLayer: 2, nHead: 2, nEmbd: 8 };
const { vocabSize: V, nLayer: L, nHead: NH } = CFG;
const HS = CFG.nEmbd / NH;
const params = Float32Array.from(randomParams(CFG, 17, 0.4));
const cpu = new CpuModel(CFG, params); // same float32 values, float64 arithmetic
const sessionPromise = ort.InferenceSession.create(exportOnnx(CFG, params));

type Feeds = Record<string, ort.Tensor>;
const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
function emptyPast(batch: number): Feeds {
  const f: Feeds = {};
  for (let l = 0; l < L; l++) for (const kv of ['key', 'value']) f[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [batch, NH, 0, HS]);
  return f;
}
function presentAsPast(out: ort.InferenceSession.OnnxValueMapType): Feeds {
  const f: Feeds = {};
  for (let l = 0; l < L; l++) for (const kv of ['key', 'value']) f[`past_key_values.${l}.${kv}`] = out[`present.${l}.${kv}`] as ort.Tensor;
  return f;
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
/** Logits row (b, t) of an ORT [batch, seq, V] output. */
const ortRow = (t: ort.Tensor, b: number, s: number) => {
  const seq = t.dims[1];
  return (t.data as Float32Array).subarray((b * seq + s) * V, (b * seq + s + 1) * V);
};
const cpuRow = (logits: Float64Array, s: number) => logits.subarray(s * V, (s + 1) * V);

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  const r = allcloseReport(a, b, { rtol: 0, atol: 1e-4 });
  if (!r.ok) throw new Error(`${what}: ${r.message}`);
  return r.maxAbs;
}

describe('ONNX export vs CPU reference (onnxruntime-node)', () => {
  const rng = new Rng(8);
  const seqs = [Array.from(randomIds(7, V, rng)), Array.from(randomIds(7, V, rng))];

  it('(a) full pass with empty past', async () => {
    const session = await sessionPromise;
    const T = 7;
    const out = await session.run({
      input_ids: i64(seqs), attention_mask: i64(seqs.map(() => seqs[0].map(() => 1))),
      position_ids: i64([range(0, T), range(0, T)]), ...emptyPast(2),
    });
    expect((out.logits as ort.Tensor).dims).toEqual([2, T, V]);
    expect((out['present.1.value'] as ort.Tensor).dims).toEqual([2, NH, T, HS]);
    const ref = cpu.logits(Int32Array.from(seqs.flat()), 2, T);
    const maxAbs = expectClose(out.logits.data as Float32Array, ref, 'logits');
    expect(maxAbs).toBeGreaterThan(0); // float32 vs float64: different arithmetic, same function
  });

  it('(b) split pass: present fed back as past gives the same logits', async () => {
    const session = await sessionPromise;
    const k = 4, T = 7;
    const first = await session.run({
      input_ids: i64(seqs.map((s) => s.slice(0, k))), attention_mask: i64(seqs.map(() => range(0, k).map(() => 1))),
      position_ids: i64([range(0, k), range(0, k)]), ...emptyPast(2),
    });
    const second = await session.run({
      input_ids: i64(seqs.map((s) => s.slice(k))), attention_mask: i64(seqs.map(() => range(0, T).map(() => 1))),
      position_ids: i64([range(k, T), range(k, T)]), ...presentAsPast(first),
    });
    expect((second['present.0.key'] as ort.Tensor).dims).toEqual([2, NH, T, HS]);
    for (let b = 0; b < 2; b++) {
      const ref = cpu.logits(Int32Array.from(seqs[b]), 1, T);
      for (let s = 0; s < T; s++) {
        const got = s < k ? ortRow(first.logits as ort.Tensor, b, s) : ortRow(second.logits as ort.Tensor, b, s - k);
        expectClose(got, cpuRow(ref, s), `row ${b} position ${s}`);
      }
    }
  });

  it('(c) left padding via attention_mask, then one cached decode step', async () => {
    const session = await sessionPromise;
    const PAD = 0, nPad = 3, T = 7;
    const real1 = seqs[1].slice(0, T - nPad);
    const ids = [seqs[0], [...Array(nPad).fill(PAD), ...real1]];
    const mask = [range(0, T).map(() => 1), range(0, T).map((t) => (t < nPad ? 0 : 1))];
    const pos = [range(0, T), range(0, T).map((t) => Math.max(0, t - nPad))];
    const out = await session.run({ input_ids: i64(ids), attention_mask: i64(mask), position_ids: i64(pos), ...emptyPast(2) });
    const logits = out.logits as ort.Tensor;
    expect(Array.from(logits.data as Float32Array).every(Number.isFinite)).toBe(true); // pad queries: no NaN
    const ref0 = cpu.logits(Int32Array.from(seqs[0]), 1, T);
    const ref1 = cpu.logits(Int32Array.from(real1), 1, real1.length);
    for (let s = 0; s < T; s++) expectClose(ortRow(logits, 0, s), cpuRow(ref0, s), `row 0 position ${s}`);
    for (let s = nPad; s < T; s++) expectClose(ortRow(logits, 1, s), cpuRow(ref1, s - nPad), `row 1 position ${s}`);

    // decode one more token per row on the padded cache
    const next = [5, 9];
    const step = await session.run({
      input_ids: i64(next.map((n) => [n])), attention_mask: i64(mask.map((m) => [...m, 1])),
      position_ids: i64([[T], [T - nPad]]), ...presentAsPast(out),
    });
    const full0 = cpu.logits(Int32Array.from([...seqs[0], next[0]]), 1, T + 1);
    const full1 = cpu.logits(Int32Array.from([...real1, next[1]]), 1, real1.length + 1);
    expectClose(ortRow(step.logits as ort.Tensor, 0, 0), cpuRow(full0, T), 'row 0 decode');
    expectClose(ortRow(step.logits as ort.Tensor, 1, 0), cpuRow(full1, real1.length), 'row 1 decode');
  });

  it('rejects params of the wrong length', () => {
    expect(() => exportOnnx(CFG, new Float32Array(4))).toThrow(/params has 4/);
  });
});

describe('exportHfConfig / exportGenerationConfig', () => {
  it('names the sizes under GPT-2 and generic keys', () => {
    const c = exportHfConfig(CFG, { eosTokenId: 2, bosTokenId: 1, custom: 'x' });
    expect(c).toMatchObject({
      model_type: 'gpt2', vocab_size: 13, n_embd: 8, n_layer: 2, n_head: 2, n_positions: 10,
      hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 2,
      max_position_embeddings: 10, head_dim: 4, eos_token_id: 2, bos_token_id: 1, custom: 'x',
    });
    expect(exportGenerationConfig({ eosTokenId: [2, 3] })).toEqual({ eos_token_id: [2, 3], do_sample: false });
  });
});
