// A Llama-family model's weights from one file or index + shards, tensor by tensor: the bytes
// handed over are the file's, and each inconsistency (index, shards, shapes, limits) is refused
// with the tensor, file and numbers named — before the first byte of weights where it can be.
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import { checkWeightLimits, formatBytes, gpuUploadBytes, gpuWeightLayout, plannedTensors } from '../../../../src/engine/hf/llamaWeights.ts';
import { streamLlamaWeights, type LlamaWeightOptions, type WeightSource } from '../../../../src/engine/hf/llamaWeightStream.ts';
import { llamaTensorShapes, type LlamaConfig } from '../../../../src/engine/llamaConfig.ts';
import { bytesStream, type FetchFile, type OpenFile } from '../../../../src/llm/hub/modelFiles.ts';
import { ModelLoadError } from '../../../../src/llm/hub/modelLoadError.ts';
import { Rng } from '../../../../src/sampling/rng.ts';
import { bf16ToFloat, halfToFloat } from '../../../../src/numeric/halfFloat.ts';
import { QWEN3_0_6B } from './realConfigs.ts';
import { encodeSafetensors, randomTensor, tensorBytes, type Dtype, type TensorSpec } from './safetensorsBytes.ts';

const TINY_QWEN2 = { model_type: 'qwen2', vocab_size: 10, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, tie_word_embeddings: true };
const TINY_LLAMA_UNTIED = { model_type: 'llama', vocab_size: 10, hidden_size: 8, intermediate_size: 6, num_hidden_layers: 1, num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: false };

/** Every tensor the config needs, matrices in `dtype`, vectors in F32 (as exporters often write norms). */
function modelTensors(config: LlamaConfig, dtype: Dtype, seed: number): TensorSpec[] {
  const rng = new Rng(seed);
  return [...llamaTensorShapes(config)].map(([name, shape]) => randomTensor(name, shape.length === 1 ? 'F32' : dtype, shape, rng));
}

/** An in-memory repository: fetch/open by path, counting what was fetched; streams in 5-byte chunks. */
function repo(files: Record<string, Uint8Array | object>, opts: { list?: boolean } = {}) {
  const opened: string[] = [];
  const bytesOf = (path: string): Uint8Array => {
    const f = files[path];
    if (!f) throw new ModelLoadError('missing-file', `Missing file ${path}`, { file: path });
    return f instanceof Uint8Array ? f : new TextEncoder().encode(JSON.stringify(f));
  };
  const fetchFile: FetchFile = async (path) => bytesOf(path);
  const openFile: OpenFile = async (path) => {
    const b = bytesOf(path);
    opened.push(path);
    return { stream: bytesStream(b, 5), size: b.byteLength, fromCache: false };
  };
  const src: WeightSource = { fetchFile, openFile, available: opts.list === false ? undefined : Object.keys(files) };
  return { src, opened };
}

/** Splits tensors over shards (round-robin) and writes the index. */
function sharded(tensors: TensorSpec[], n: number): Record<string, Uint8Array | object> {
  const names = Array.from({ length: n }, (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`);
  const parts: TensorSpec[][] = names.map(() => []);
  tensors.forEach((t, i) => parts[i % n].push(t));
  const out: Record<string, Uint8Array | object> = {};
  const weightMap: Record<string, string> = {};
  names.forEach((s, i) => {
    out[s] = encodeSafetensors(parts[i]);
    for (const t of parts[i]) weightMap[t.name] = s;
  });
  out['model.safetensors.index.json'] = { metadata: { total_size: tensors.reduce((a, t) => a + tensorBytes(t).byteLength, 0) }, weight_map: weightMap };
  return out;
}

async function load(src: WeightSource, config: LlamaConfig, opts: Partial<LlamaWeightOptions> = {}) {
  const got = new Map<string, Uint8Array>();
  const read = await streamLlamaWeights(src, config, { onTensor: (t) => void got.set(t.name, t.bytes), ...opts });
  return { got, read };
}

async function refusal(p: Promise<unknown>): Promise<ModelLoadError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelLoadError);
    return e as ModelLoadError;
  }
  throw new Error('expected a refusal');
}

const qwen2 = llamaConfigFromHf(TINY_QWEN2);
const tensors = modelTensors(qwen2, 'BF16', 4);
const expectedBytes = new Map(tensors.map((t) => [t.name, tensorBytes(t)]));
/** GPU bytes by hand: half matrices 2 bytes per element (rounded up to 4), vectors as f32. */
const gpuBytes = tensors.reduce((a, t) => a + (t.shape.length === 1 ? 4 * t.values.length : 4 * Math.ceil(t.values.length / 2)), 0);

describe('one file and sharded', () => {
  it('model.safetensors: every tensor handed over with the file bytes', async () => {
    const file = encodeSafetensors(tensors);
    const { got, read } = await load(repo({ 'model.safetensors': file }).src, qwen2);
    expect(got).toEqual(expectedBytes);
    expect(read).toMatchObject({ layout: { kind: 'single' }, files: ['model.safetensors'], tensors: tensors.length, fileBytes: file.length, gpuBytes, ignored: [] });
    expect(new Set(read.dtypes)).toEqual(new Set(['BF16', 'F32']));
  });

  it('index + 3 shards, with a listing and probed without one: the same tensors', async () => {
    const files = sharded(tensors, 3);
    for (const list of [true, false]) {
      const { src, opened } = repo(files, { list });
      const { got, read } = await load(src, qwen2);
      expect(got).toEqual(expectedBytes);
      expect(opened).toEqual(Object.keys(files).filter((f) => f.endsWith('.safetensors')));
      expect(read).toMatchObject({ layout: { kind: 'sharded' }, tensors: tensors.length, gpuBytes });
    }
  });

  it('progress counts bytes per file and tensors over the whole model', async () => {
    const seen: { file: string; loaded: number; tensorsDone: number }[] = [];
    await load(repo(sharded(tensors, 2)).src, qwen2, { onProgress: (p) => void seen.push(p) });
    const last = seen.at(-1)!;
    expect(last.tensorsDone).toBe(tensors.length);
    expect(seen.every((p) => p.tensorsDone <= tensors.length && p.loaded >= 0)).toBe(true);
    expect(new Set(seen.map((p) => p.file)).size).toBe(2);
  });
});

describe('sharded failures', () => {
  it('the index lacks a tensor config.json needs: refused before any shard is fetched', async () => {
    const files = sharded(tensors, 2);
    const index = files['model.safetensors.index.json'] as { weight_map: Record<string, string> };
    delete index.weight_map['model.layers.1.self_attn.v_proj.bias'];
    const { src, opened } = repo(files);
    const e = await refusal(load(src, qwen2));
    expect(e.kind).toBe('weights-mismatch');
    expect(e.message).toBe('model.safetensors.index.json lacks a tensor config.json (qwen2) needs: model.layers.1.self_attn.v_proj.bias.');
    expect(opened).toEqual([]);
  });

  it('the index puts a tensor in a shard that does not hold it', async () => {
    const files = sharded(tensors, 2);
    const index = files['model.safetensors.index.json'] as { weight_map: Record<string, string> };
    const name = tensors[0].name; // written to shard 1
    index.weight_map[name] = 'model-00002-of-00002.safetensors';
    const e = await refusal(load(repo(files).src, qwen2));
    expect(e.kind).toBe('weights-mismatch');
    expect(e.message).toBe(`model.safetensors.index.json puts ${name} in model-00002-of-00002.safetensors, but model-00002-of-00002.safetensors has no such tensor (index and shards from different versions?).`);
  });

  it('a missing shard is named, from the listing before any download, or when it cannot be opened', async () => {
    const files = sharded(tensors, 3);
    delete files['model-00002-of-00003.safetensors'];
    const listed = repo(files);
    const e = await refusal(load(listed.src, qwen2));
    expect(e.kind).toBe('missing-file');
    expect(e.file).toBe('model-00002-of-00003.safetensors');
    expect(e.message).toMatch(/^Missing shard model-00002-of-00003\.safetensors: model\.safetensors\.index\.json puts \d+ tensors in it \(model\.layers\./);
    expect(listed.opened).toEqual([]);
    const probed = await refusal(load(repo(files, { list: false }).src, qwen2));
    expect(probed.message).toMatch(/^Missing shard model-00002-of-00003\.safetensors/);
  });

  it('a corrupt index, or one naming a file outside the folder', async () => {
    const bad = await refusal(load(repo({ 'model.safetensors.index.json': { weight_map: { a: 'x.bin' } } }).src, qwen2));
    expect(bad.message).toBe('model.safetensors.index.json: weight_map["a"] must name a .safetensors file, got "x.bin".');
    const climbing = await refusal(load(repo({ 'model.safetensors.index.json': { weight_map: { a: '../a.safetensors' } } }).src, qwen2));
    expect(climbing.message).toContain('which is not a file beside the index');
  });
});

describe('tensors against config.json', () => {
  it('a shape that disagrees names the tensor and both shapes', async () => {
    const wrong = tensors.map((t) => (t.name === 'model.layers.0.mlp.up_proj.weight' ? randomTensor(t.name, 'BF16', [12, 9], new Rng(1)) : t));
    const e = await refusal(load(repo({ 'model.safetensors': encodeSafetensors(wrong) }).src, qwen2));
    expect(e.kind).toBe('weights-mismatch');
    expect(e.message).toBe('model.safetensors: tensor "model.layers.0.mlp.up_proj.weight" has shape [12, 9], config.json (qwen2) needs [12, 8].');
  });

  it('a tied model ignores a stray lm_head.weight; an untied one without lm_head is refused', async () => {
    const stray = [...tensors, randomTensor('lm_head.weight', 'BF16', [10, 8], new Rng(2))];
    const { got, read } = await load(repo({ 'model.safetensors': encodeSafetensors(stray) }).src, qwen2);
    expect(got.has('lm_head.weight')).toBe(false);
    expect(read.ignored).toEqual(['lm_head.weight']);

    const untied = llamaConfigFromHf(TINY_LLAMA_UNTIED);
    const noHead = modelTensors(untied, 'F16', 3).filter((t) => t.name !== 'lm_head.weight');
    const e = await refusal(load(repo({ 'model.safetensors': encodeSafetensors(noHead) }).src, untied));
    expect(e.message).toBe(
      'model.safetensors lacks a tensor config.json (llama) needs: lm_head.weight. config.json says tie_word_embeddings is false, so the LM head must be its own tensor lm_head.weight.',
    );
  });

  it('no safetensors weights: says what the repository has instead', async () => {
    const e = await refusal(load(repo({ 'config.json': {}, 'pytorch_model.bin': new Uint8Array(4), 'onnx/model.onnx': new Uint8Array(4) }).src, qwen2));
    expect(e.message).toBe(
      'Missing file model.safetensors: the engine reads model.safetensors or model.safetensors.index.json with its shards, and it has pytorch_model.bin, onnx/model.onnx. It has an ONNX export: open it with ONNX Runtime instead.',
    );
  });
});

describe("the adapter's limits", () => {
  it('GPU sizes: half matrices stay half (rounded to 4 bytes), vectors become f32', () => {
    expect(gpuWeightLayout({ name: 'w', dtype: 'BF16', shape: [3, 5] })).toEqual({ dtype: 'bf16', bytes: 32 });
    expect(gpuWeightLayout({ name: 'w', dtype: 'F16', shape: [4, 2] })).toEqual({ dtype: 'f16', bytes: 16 });
    expect(gpuWeightLayout({ name: 'n', dtype: 'BF16', shape: [7] })).toEqual({ dtype: 'f32', bytes: 28 });
    expect(formatBytes(311_164_928)).toBe('296.8 MiB');
  });

  it('upload bytes: F32 as stored, half vectors widened to f32, odd half matrices zero-padded to 4 bytes', () => {
    const vec = randomTensor('n', 'BF16', [5], new Rng(5));
    const vecBytes = tensorBytes(vec);
    const up = gpuUploadBytes({ ...vec, bytes: vecBytes });
    const dv = new DataView(vecBytes.buffer);
    expect(Array.from(new Float32Array(up.buffer, up.byteOffset, 5))).toEqual(Array.from({ length: 5 }, (_, i) => bf16ToFloat(dv.getUint16(2 * i, true))));
    const f16vec = randomTensor('b', 'F16', [3], new Rng(6));
    const f16Bytes = tensorBytes(f16vec);
    const f16dv = new DataView(f16Bytes.buffer);
    expect(Array.from(new Float32Array(gpuUploadBytes({ ...f16vec, bytes: f16Bytes }).buffer))).toEqual([0, 1, 2].map((i) => halfToFloat(f16dv.getUint16(2 * i, true))));
    const mat = randomTensor('w', 'F16', [3, 3], new Rng(7));
    const matBytes = tensorBytes(mat);
    const padded = gpuUploadBytes({ ...mat, bytes: matBytes });
    expect(padded.byteLength).toBe(20);
    expect(padded.subarray(0, 18)).toEqual(matBytes);
    expect([...padded.subarray(18)]).toEqual([0, 0]);
    const even = randomTensor('w', 'BF16', [2, 2], new Rng(8));
    const evenBytes = tensorBytes(even);
    expect(gpuUploadBytes({ ...even, bytes: evenBytes })).toBe(evenBytes);
    const f32 = randomTensor('w', 'F32', [3], new Rng(9));
    const f32Bytes = tensorBytes(f32);
    expect(gpuUploadBytes({ ...f32, bytes: f32Bytes })).toBe(f32Bytes);
    expect(formatBytes(1_192_230_912)).toBe('1.11 GiB');
  });

  it("Qwen3-0.6B in BF16 against WebGPU's default limits, larger limits, and a budget", () => {
    const planned = plannedTensors(llamaConfigFromHf(QWEN3_0_6B), 'BF16');
    const defaults = { maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20 };
    const tooLarge = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect((e as ModelLoadError).kind).toBe('too-large');
        return (e as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(tooLarge(() => checkWeightLimits(planned, defaults, 'Qwen/Qwen3-0.6B'))).toBe(
      'Qwen/Qwen3-0.6B: tensor "model.embed_tokens.weight" [151936, 1024] takes 296.8 MiB on the GPU as bf16, more than this adapter\'s maxBufferSize (256.0 MiB): no buffer that large can be created. Pick a smaller model.',
    );
    expect(tooLarge(() => checkWeightLimits(planned, { ...defaults, maxBufferSize: 4 * 2 ** 30 }, 'Qwen/Qwen3-0.6B'))).toMatch(/more than this adapter's maxStorageBufferBindingSize \(128\.0 MiB\): a shader cannot bind it whole/);
    const big = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 };
    // 595 984 384 matrix elements × 2 bytes + 65 536 norm elements × 4 bytes (published: 596 049 920 parameters).
    expect(checkWeightLimits(planned, big, 'q')).toBe(1_192_230_912);
    expect(tooLarge(() => checkWeightLimits(planned, { ...big, budgetBytes: 2 ** 30 }, 'Qwen/Qwen3-0.6B'))).toBe(
      'Qwen/Qwen3-0.6B: the weights take 1.11 GiB on the GPU (largest tensor "model.embed_tokens.weight", 296.8 MiB), more than the 1.00 GiB budget for weights. Pick a smaller model.',
    );
  });

  it('checked at each header before any tensor, across shards, and with torch_dtype before any fetch', async () => {
    const onTensor = () => {
      throw new Error('no tensor may be handed over');
    };
    const embedBytes = 4 * Math.ceil((10 * 8) / 2);
    const limits = { maxBufferSize: 1 << 20, maxStorageBufferBindingSize: embedBytes - 4 };
    const single = await refusal(streamLlamaWeights(repo({ 'model.safetensors': encodeSafetensors(tensors) }).src, qwen2, { limits, onTensor, name: 'tiny' }));
    expect(single.message).toBe(`tiny: tensor "model.embed_tokens.weight" [10, 8] takes ${formatBytes(embedBytes)} on the GPU as bf16, more than this adapter's maxStorageBufferBindingSize (${formatBytes(embedBytes - 4)}): a shader cannot bind it whole. Pick a smaller model, or an adapter with higher limits.`);

    const seen: string[] = [];
    const budget = { maxBufferSize: 1 << 20, maxStorageBufferBindingSize: 1 << 20, budgetBytes: gpuBytes - 1 };
    const e = await refusal(streamLlamaWeights(repo(sharded(tensors, 3)).src, qwen2, { limits: budget, onTensor: (t) => void seen.push(t.name) }));
    expect(e.message).toMatch(new RegExp(`the weights take ${formatBytes(gpuBytes)} on the GPU .* more than the ${formatBytes(gpuBytes - 1)} budget`));
    expect(seen.length).toBeGreaterThan(0); // the last shard's header tips it over
    expect(seen.length).toBeLessThan(tensors.length);

    const { src, opened } = repo({ 'model.safetensors': encodeSafetensors(tensors) });
    await refusal(streamLlamaWeights(src, qwen2, { limits, declaredDtype: 'BF16', onTensor }));
    expect(opened).toEqual([]);
  });
});
