// The loader on the tiny Llama-family repositories the torch reference runs on (test/util/tinyLlama.ts,
// written independently of src/engine): every configuration in F32 / F16 / BF16, one file and 3
// shards, served as a hub repository through the Cache API. config.json parses to what the
// generator meant, the tensor list the engine asks for is the generator's (transformers' state
// dict), and each tensor arrives with the values written, rounded to the file's dtype.
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import { streamLlamaWeights } from '../../../../src/engine/hf/llamaWeightStream.ts';
import { llamaTensorShapes } from '../../../../src/engine/llamaConfig.ts';
import { filesOf, listSource, loadTokenizer } from '../../../../src/llm/hub/modelSource.ts';
import { bf16ToFloat, halfToFloat } from '../../../../src/numeric/halfFloat.ts';
import { fakeHub } from '../../../fixtures/onnx/fakeHub.ts';
import { hfTensorShapes, tinyLlama, type TinyLlamaName } from '../../../util/tinyLlama.ts';
import type { SafetensorsDtype } from '../../../util/safetensorsFile.ts';
import { MemoryCacheStorage } from '../../hub/memoryCaches.ts';

const NAMES: TinyLlamaName[] = ['llama-gqa', 'qwen2-bias-tied', 'qwen3-qknorm', 'llama3-rope'];
const DTYPES: SafetensorsDtype[] = ['F32', 'F16', 'BF16'];

function decode(dtype: string, bytes: Uint8Array): Float64Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / (dtype === 'F32' ? 4 : 2);
  return Float64Array.from({ length: n }, (_, i) => (dtype === 'F32' ? dv.getFloat32(4 * i, true) : dtype === 'F16' ? halfToFloat(dv.getUint16(2 * i, true)) : bf16ToFloat(dv.getUint16(2 * i, true))));
}

describe('the tiny reference models through the hub path', () => {
  // 6 repositories each, a few hundred ms on a shared CPU: a generous timeout, no timing claim.
  it.each(NAMES)('%s: config, tensor list and values in F32 / F16 / BF16, one file and 3 shards', { timeout: 60_000 }, async (name) => {
    for (const dtype of DTYPES) {
      for (const shards of [1, 3]) {
        const m = tinyLlama({ name, dtype, shards });
        const where = `${name} ${dtype} ×${shards}`;
        const config = llamaConfigFromHf(m.config);
        const c = m.config;
        expect([config.family, config.nKvHead, config.headDim, config.tieWordEmbeddings, config.vocabSize], where).toEqual([
          c.model_type, c.num_key_value_heads, typeof c.head_dim === 'number' ? c.head_dim : c.hidden_size / c.num_attention_heads, c.tie_word_embeddings, c.vocab_size,
        ]);
        expect(new Map(hfTensorShapes(c)), where).toEqual(llamaTensorShapes(config));

        const id = `test/${name}`;
        const hub = fakeHub({ [id]: { folder: m.folder, chunkBytes: 997 } });
        const opts = { fetchImpl: hub.fetchImpl, cacheStorage: new MemoryCacheStorage().asCacheStorage() };
        const source = { kind: 'hub' as const, id };
        const files = filesOf(source, opts);
        const { available } = await listSource(source, files, opts);
        const got = new Map<string, Float64Array>();
        const read = await streamLlamaWeights({ ...files, available }, config, { onTensor: (t) => void got.set(t.name, decode(t.dtype, t.bytes)) });
        expect(read.tensors, where).toBe(m.weights.length);
        expect(read.dtypes, where).toEqual([dtype]);
        expect(read.files, where).toHaveLength(shards);
        for (const w of m.weights) {
          const v = got.get(w.name)!;
          expect(v.length, `${where} ${w.name}`).toBe(w.data.length);
          // F32 exact (the data are f32); F16 / BF16 within half an ulp (round to nearest), subnormal halves within 2^-25.
          const rel = dtype === 'F32' ? 0 : dtype === 'F16' ? 2 ** -11 : 2 ** -8;
          for (let i = 0; i < v.length; i++) {
            if (Math.abs(v[i] - w.data[i]) > rel * Math.abs(w.data[i]) + 2 ** -25) throw new Error(`${where} ${w.name}[${i}]: ${v[i]} vs ${w.data[i]}`);
          }
        }
        const tok = await loadTokenizer(files.fetchFile, available);
        expect(tok.vocabSize, where).toBe(m.tokenizerSize);
      }
    }
  });
});
