// The test-side ONNX builder, checked in Node with onnxruntime-node (an independent runtime):
// the layout loads, and a KV-cached continuation reproduces the full-sequence logits.
import * as ort from 'onnxruntime-node';
import { expect, test } from 'vitest';
import { buildTinyDecoder, type TinyDecoderOptions } from '../../fixtures/onnx/tinyDecoder.ts';
import { expectAllclose } from '../../util/allclose.ts';

const i64 = (v: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), dims);

async function check(o: TinyDecoderOptions) {
  const m = buildTinyDecoder(o);
  const s = await ort.InferenceSession.create(m.model);
  const kvT = o.kvDtype === 'float16' ? 'float16' : 'float32';
  const feeds = (ids: number[], prev: ort.InferenceSession.OnnxValueMapType | null, P: number) => {
    const f: Record<string, ort.Tensor> = { input_ids: i64(ids, [1, ids.length]), attention_mask: i64(Array(P + ids.length).fill(1), [1, P + ids.length]) };
    if (o.positionIds) f.position_ids = i64(ids.map((_, i) => P + i), [1, ids.length]);
    if (o.mergedDecoder) f.use_cache_branch = new ort.Tensor('bool', Uint8Array.from([P > 0 ? 1 : 0]), [1]);
    if (o.numLogitsToKeep) f.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([0n]), []);
    for (let l = 0; l < o.numLayers; l++) for (const kv of ['key', 'value']) {
      f[`past_key_values.${l}.${kv}`] = (prev?.[`present.${l}.${kv}`] as ort.Tensor) ?? new ort.Tensor(kvT, kvT === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, o.numKvHeads, 0, o.hidden / o.numHeads]);
    }
    return f;
  };
  expect(s.inputNames.includes('position_ids')).toBe(!!o.positionIds);
  const full = await s.run(feeds([1, 2, 3, 4, 5], null, 0));
  const a = await s.run(feeds([1, 2, 3], null, 0));
  const b = await s.run(feeds([4, 5], a, 3));
  expect(full.logits.dims).toEqual([1, 5, o.vocabSize]);
  expect(full['present.0.key'].dims).toEqual([1, o.numKvHeads, 5, o.hidden / o.numHeads]);
  expect(full.logits.type).toBe(o.logitsDtype ?? 'float32');
  const num = (t: ort.Tensor) => Array.from(t.data as ArrayLike<number>, Number);
  expectAllclose(num(b.logits), num(full.logits).slice(3 * o.vocabSize), { atol: 1e-5, rtol: 1e-5 });
  // A causal model: the first 3 rows do not depend on later tokens.
  expectAllclose(num(a.logits), num(full.logits).slice(0, 3 * o.vocabSize), { atol: 1e-5, rtol: 1e-5 });
}

test('MHA with position_ids: cached continuation = full sequence', () => check({ vocabSize: 50, hidden: 16, numLayers: 2, numHeads: 4, numKvHeads: 4, positionIds: true }));
test('GQA without position_ids, float16 KV/logits, num_logits_to_keep', () =>
  check({ vocabSize: 40, hidden: 16, numLayers: 2, numHeads: 4, numKvHeads: 2, kvDtype: 'float16', logitsDtype: 'float16', numLogitsToKeep: true }));
test('merged decoder (use_cache_branch + If): the with-past branch continues the no-past branch', () =>
  check({ vocabSize: 40, hidden: 16, numLayers: 2, numHeads: 4, numKvHeads: 2, positionIds: true, mergedDecoder: true, seed: 3 }));
