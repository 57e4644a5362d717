// PEFT adapters from the app's side (src/engine/lora/peftSource.ts, src/worker/peftHost.ts) on a
// tiny Llama folder served as a fetch source: the adapter found in a picked folder, the base read
// without its other weight formats, the merged folder's float64 log-probs against base + adapter in
// float64 (test/util/loraReference.ts; the merged weights are f32, rounded once, so they agree to
// ~1e-6, while the adapter itself moves log-probs by > 0.1), exports that round-trip through the
// import, and the refusals a user can meet, named.
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import { parseSafetensors } from '../../../../src/engine/hf/safetensorsHeader.ts';
import type { FetchFile, ModelSource } from '../../../../src/llm/hub/modelFiles.ts';
import { ModelLoadError } from '../../../../src/llm/hub/modelLoadError.ts';
import { loraLayout, type LoraLayout } from '../../../../src/engine/lora/loraLayout.ts';
import { exportPeftAdapter } from '../../../../src/engine/lora/peftExport.ts';
import { findAdapterFiles, mergedSource } from '../../../../src/engine/lora/peftSource.ts';
import { adaptedLogprobs, randomAdapter } from '../../../util/loraReference.ts';
import { tinyLlama } from '../../../util/tinyLlama.ts';
import type { SafetensorsDtype } from '../../../util/safetensorsFile.ts';

// peftHost's module graph reaches the engine's loader, which reads WebGPU's flag constants at import
// time (src/gpu/buffers.ts); the exports tested here make no GPU call, so the constants are enough.
Object.assign(globalThis, {
  GPUBufferUsage: { MAP_READ: 1, MAP_WRITE: 2, COPY_SRC: 4, COPY_DST: 8, INDEX: 16, VERTEX: 32, UNIFORM: 64, STORAGE: 128, INDIRECT: 256, QUERY_RESOLVE: 512 },
  GPUMapMode: { READ: 1, WRITE: 2 },
});
const { adapterToTrain, exportAdapterFiles, exportMergedFolder } = await import('../../../../src/worker/peftHost.ts');

function baseSource(dtype: SafetensorsDtype, shards = 1) {
  const tiny = tinyLlama({ name: 'llama-gqa', dtype, shards });
  const folder = new Map(tiny.folder);
  // a base repo also carries other formats: never read for the merge
  folder.set('pytorch_model.bin', new Uint8Array(8));
  folder.set('onnx/model.onnx', new Uint8Array(8));
  const fetched: string[] = [];
  const fetchFile: FetchFile = async (path) => {
    if (path.endsWith('.bin') || path.endsWith('.onnx')) throw new Error(`${path} should not be read`);
    fetched.push(path);
    const f = folder.get(path);
    if (!f) throw new ModelLoadError('missing-file', `no ${path}`);
    return f;
  };
  const source: ModelSource = { kind: 'fetch', id: 'test/tiny-llama', fetchFile, files: [...folder.keys()] };
  return { tiny, folder, source, fetched, config: llamaConfigFromHf(tiny.config) };
}

const layoutOf = (cfg: ReturnType<typeof llamaConfigFromHf>): LoraLayout =>
  loraLayout(cfg, { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['q_proj', 'v_proj', 'o_proj', 'down_proj'] });

const IDS = [1, 17, 42, 99, 5, 230, 64, 8, 120, 77, 3, 250];
const maxDiff = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('an imported adapter on its base, merged in memory', () => {
  it.each([['F32', 1], ['BF16', 3]] as const)('%s ×%i shards: merged log-probs = base + adapter in float64', async (dtype, shards) => {
    const b = baseSource(dtype, shards);
    const layout = layoutOf(b.config);
    const params = randomAdapter(layout, 7);
    const picked = new Map([...exportPeftAdapter(layout, params, { baseModel: 'someone/other-base' }).files].map(([p, f]) => [`my-adapter/${p}`, f]));
    const m = await mergedSource(b.source, picked, 'my-adapter');
    expect(m.source.kind === 'fetch' && m.source.id).toBe('test/tiny-llama + my-adapter');
    expect(b.fetched.some((p) => p.endsWith('.bin') || p.endsWith('.onnx'))).toBe(false);
    expect(m.leftOut.sort()).toEqual(['onnx/model.onnx', 'pytorch_model.bin']);
    expect(m.notes).toContain('adapter_config.json names base "someone/other-base"; it is applied to test/tiny-llama (shapes match).');
    expect(m.adapter.params).toEqual(params);
    // the merged folder is a base folder: same config, tokenizer and file names
    expect(m.files.get('config.json')).toEqual(b.folder.get('config.json'));
    expect(m.files.get('tokenizer.json')).toEqual(b.folder.get('tokenizer.json'));
    const merged = adaptedLogprobs(b.config, m.files, layout, null, IDS);
    const reference = adaptedLogprobs(b.config, b.folder, layout, params, IDS);
    const base = adaptedLogprobs(b.config, b.folder, layout, null, IDS);
    const err = maxDiff(merged, reference);
    expect(maxDiff(base, reference), 'the adapter changes the model').toBeGreaterThan(0.1);
    // f32 merged weights, rounded once (F32 8.2e-7, BF16 4.2e-7 measured); merged back into BF16 they would be 2.7e-2 off
    expect(err, `max |merged − (base + adapter)| = ${err.toExponential(2)}`).toBeLessThan(1e-5);
    // the adapted weights and the ones packed with them are f32, the rest keeps the base's dtype
    const dtypes = new Map<string, string>();
    for (const [p, f] of m.files) if (p.endsWith('.safetensors')) for (const t of parseSafetensors(f, p).tensors) dtypes.set(t.name, t.dtype);
    const L0 = 'model.layers.0.';
    expect([`${L0}self_attn.q_proj.weight`, `${L0}self_attn.k_proj.weight`, `${L0}self_attn.o_proj.weight`, `${L0}mlp.down_proj.weight`].map((n) => dtypes.get(n))).toEqual(['F32', 'F32', 'F32', 'F32']);
    expect([`${L0}mlp.gate_proj.weight`, 'model.embed_tokens.weight'].map((n) => dtypes.get(n))).toEqual([dtype, dtype]);
    if (shards > 1) {
      const index = JSON.parse(new TextDecoder().decode(m.files.get('model.safetensors.index.json'))) as { metadata: { total_size: number } };
      const bytes = [...m.files].filter(([p]) => p.endsWith('.safetensors')).reduce((n, [p, f]) => n + f.byteLength - parseSafetensors(f, p).dataStart, 0);
      expect(index.metadata.total_size).toBe(bytes);
    }
  });

  it('the worker\'s exports: the adapter round-trips through the import, the merged folder of an F32 base is the inspection\'s', async () => {
    const b = baseSource('F32');
    const layout = layoutOf(b.config);
    const params = randomAdapter(layout, 3);
    const holder = { layout, getParams: async () => params };
    const files = await exportAdapterFiles(holder, 'test/tiny-llama');
    expect([...files.keys()].sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const back = adapterToTrain(b.config, files);
    expect(back.params).toEqual(params);
    expect(back.layout.slots.map((s) => `${s.layer}.${s.target}`)).toEqual(layout.slots.map((s) => `${s.layer}.${s.target}`));
    expect(back.baseModel).toBe('test/tiny-llama');
    const folder = await exportMergedFolder(holder, b.source);
    const m = await mergedSource(b.source, files, 'a');
    expect([...folder.files.keys()].sort()).toEqual([...m.files.keys()].sort());
    for (const [p, f] of folder.files) expect(f, p).toEqual(m.files.get(p));
  });

  it('refusals: no adapter, two adapters, no weights beside the config, a pickle, an adapter for another shape', async () => {
    const b = baseSource('F32');
    const layout = layoutOf(b.config);
    const { files } = exportPeftAdapter(layout, randomAdapter(layout, 1), { baseModel: null });
    expect(() => findAdapterFiles(new Map([['README.md', new Uint8Array(1)]]))).toThrow(/hold no adapter_config\.json: pick the folder PEFT's save_pretrained wrote\.$/);
    expect(() => findAdapterFiles(new Map([['adapter_config.json', new Uint8Array(1)], ['adapter_model.bin', new Uint8Array(1)]]))).toThrow(/no adapter_model\.safetensors beside it/);
    expect(() => findAdapterFiles(new Map([['x/adapter_model.bin', new Uint8Array(1)]]))).toThrow(/adapter_model\.bin \(a pickle\): save the adapter with safetensors/);
    const two = new Map([...files].flatMap(([p, f]) => [[`a/${p}`, f], [`b/${p}`, f]] as [string, Uint8Array][]));
    expect(() => findAdapterFiles(two)).toThrow(/hold 2 adapters \(a\/adapter_config\.json, b\/adapter_config\.json\): pick one adapter's folder/);
    // an adapter made for a model with hidden size 64: refused by shape, nothing merged
    const wide = llamaConfigFromHf({ ...b.tiny.config, hidden_size: 64, intermediate_size: 96 });
    const other = exportPeftAdapter(layoutOf(wide), randomAdapter(layoutOf(wide), 1), { baseModel: 'wide/model' }).files;
    await expect(mergedSource(b.source, other, 'wide')).rejects.toThrow(/has shape \[4, 64\], this base needs \[4, 32\].*names base "wide\/model"/);
  });
});
