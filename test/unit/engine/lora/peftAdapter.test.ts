// The PEFT export and import of LoRA adapters (src/engine/lora/peftExport.ts, peftImport.ts):
// adapter_config.json's fields and adapter_model.safetensors's keys, shapes and values against
// what PEFT writes (keys and shapes spelled out here by hand from peft's LoraModel naming, the file
// read back with a DataView, not our parser); export → import gives back the same vector bit for
// bit; other writers' adapters (adapter name kept, no prefix, BF16, "all-linear", regex targets)
// load, written by the test's own safetensors writer; every unsupported adapter is refused with a
// message that names what is wrong.
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import type { LlamaConfig } from '../../../../src/engine/llamaConfig.ts';
import { LORA_TARGETS, type LoraConfig } from '../../../../src/engine/lora/loraConfig.ts';
import { loraLayout } from '../../../../src/engine/lora/loraLayout.ts';
import { exportPeftAdapter } from '../../../../src/engine/lora/peftExport.ts';
import { importPeftAdapter, parseAdapterConfigBytes } from '../../../../src/engine/lora/peftImport.ts';
import { bf16ToFloat, floatToBf16 } from '../../../../src/numeric/halfFloat.ts';
import { Rng } from '../../../../src/sampling/rng.ts';
import { encodeSafetensors, type SafetensorsDtype } from '../../../util/safetensorsFile.ts';
import { TINY_LLAMA_CONFIGS } from '../../../util/tinyLlama.ts';

const llama = llamaConfigFromHf(TINY_LLAMA_CONFIGS['llama-gqa']); // C 32, NH 4, NKV 2, HD 8, I 72, L 2
const qwen3 = llamaConfigFromHf(TINY_LLAMA_CONFIGS['qwen3-qknorm']);

function randomParams(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** The safetensors file read with a DataView: header JSON and each tensor's f32 values. */
function readF32File(bytes: Uint8Array): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; meta: unknown; values: Map<string, Float32Array> } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  const raw = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const meta = raw.__metadata__;
  delete raw.__metadata__;
  const values = new Map<string, Float32Array>();
  for (const [k, e] of Object.entries(raw) as [string, { data_offsets: [number, number] }][]) {
    const [b, end] = e.data_offsets;
    values.set(k, Float32Array.from({ length: (end - b) / 4 }, (_, i) => dv.getFloat32(8 + n + b + 4 * i, true)));
  }
  return { header: raw, meta, values };
}

const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));

describe('PEFT export', () => {
  const lora: LoraConfig = { r: 4, lora_alpha: 8, target_modules: [...LORA_TARGETS], lora_dropout: 0 };
  const layout = loraLayout(llama, lora);
  const params = randomParams(layout.total, 1);
  const out = exportPeftAdapter(layout, params, { baseModel: 'test/llama-gqa' });

  it('adapter_config.json holds the fields PeftModel.save_pretrained writes for a plain LoRA, keys sorted, indent 2', () => {
    const text = new TextDecoder().decode(out.files.get('adapter_config.json')!);
    expect(json(out.files.get('adapter_config.json')!)).toEqual({
      alpha_pattern: {}, auto_mapping: null, base_model_name_or_path: 'test/llama-gqa', bias: 'none', exclude_modules: null,
      fan_in_fan_out: false, inference_mode: true, init_lora_weights: true, layer_replication: null, layers_pattern: null,
      layers_to_transform: null, lora_alpha: 8, lora_bias: false, lora_dropout: 0, modules_to_save: null, peft_type: 'LORA', r: 4,
      rank_pattern: {}, revision: null, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      task_type: 'CAUSAL_LM', use_dora: false, use_rslora: false,
    });
    const keys = [...text.matchAll(/^ {2}"([a-z_]+)":/gm)].map((m) => m[1]);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(23);
  });

  it('adapter_model.safetensors: PEFT\'s keys, A [r, in] and B [out, r] in F32, the vector\'s values exactly, metadata format pt', () => {
    const { header, meta, values } = readF32File(out.files.get('adapter_model.safetensors')!);
    expect(meta).toEqual({ format: 'pt' });
    // nn.Linear(in, r) / nn.Linear(r, out) of each target (C 32, q 4·8 = 32, k/v 2·8 = 16, I 72).
    const inOut: Record<string, [string, number, number]> = {
      q_proj: ['self_attn', 32, 32], k_proj: ['self_attn', 32, 16], v_proj: ['self_attn', 32, 16], o_proj: ['self_attn', 32, 32],
      gate_proj: ['mlp', 32, 72], up_proj: ['mlp', 32, 72], down_proj: ['mlp', 72, 32],
    };
    const want: Record<string, number[]> = {};
    for (let l = 0; l < 2; l++) {
      for (const [t, [parent, inF, outF]] of Object.entries(inOut)) {
        want[`base_model.model.model.layers.${l}.${parent}.${t}.lora_A.weight`] = [4, inF];
        want[`base_model.model.model.layers.${l}.${parent}.${t}.lora_B.weight`] = [outF, 4];
      }
    }
    expect(Object.fromEntries(Object.entries(header).map(([k, e]) => [k, e.shape]))).toEqual(want);
    expect(new Set(Object.values(header).map((e) => e.dtype))).toEqual(new Set(['F32']));
    // the values: layout order (layer, target, A then B) concatenated is the vector itself
    const concat = new Float32Array(layout.total);
    let at = 0;
    for (const k of Object.keys(header).sort((a, b) => header[a].data_offsets[0] - header[b].data_offsets[0])) {
      concat.set(values.get(k)!, at);
      at += values.get(k)!.length;
    }
    expect(at).toBe(layout.total);
    expect(concat).toEqual(params);
  });

  it('refuses a vector with NaN, naming layer, target and matrix', () => {
    const bad = params.slice();
    const s = layout.slots[8]; // layer 1 (7 slots per layer), k_proj
    bad[s.b + 3] = NaN;
    expect(() => exportPeftAdapter(layout, bad, { baseModel: null })).toThrow(/non-finite value \(NaN\) in layer 1 k_proj B/);
  });
});

describe('export → import round trip', () => {
  const cases: [string, LlamaConfig, LoraConfig][] = [
    ['llama, all seven, r 4', llama, { r: 4, lora_alpha: 8, target_modules: [...LORA_TARGETS], lora_dropout: 0 }],
    ['qwen3, q/v/down, rsLoRA, r 3, alpha 5.5', qwen3, { r: 3, lora_alpha: 5.5, target_modules: ['down_proj', 'q_proj', 'v_proj'], lora_dropout: 0, use_rslora: true }],
    ['qwen2, k/o, r 1', llamaConfigFromHf(TINY_LLAMA_CONFIGS['qwen2-bias-tied']), { r: 1, lora_alpha: 16, target_modules: ['o_proj', 'k_proj'], lora_dropout: 0 }],
  ];
  it.each(cases)('%s: the same config and the same vector, bit for bit', (_, model, lora) => {
    const layout = loraLayout(model, lora);
    const params = randomParams(layout.total, 7);
    const files = exportPeftAdapter(layout, params, { baseModel: null }).files;
    const got = importPeftAdapter(model, parseAdapterConfigBytes(files.get('adapter_config.json')!), files.get('adapter_model.safetensors')!);
    expect(got.layout.config).toEqual(layout.config);
    expect(got.layout.scaling).toBe(layout.scaling);
    expect(new Uint32Array(got.params.buffer)).toEqual(new Uint32Array(params.buffer));
    expect(got.notes).toEqual([]);
    expect(got.dtype).toBe('F32');
  });
});

/** Someone else's adapter, written by the test's own writer. */
function foreign(model: LlamaConfig, opts: { r: number; targets: string[]; dtype?: SafetensorsDtype; key?: (l: number, parent: string, t: string, ab: string) => string; seed?: number }) {
  const rng = new Rng(opts.seed ?? 3);
  const key = opts.key ?? ((l, parent, t, ab) => `base_model.model.model.layers.${l}.${parent}.${t}.lora_${ab}.weight`);
  const QD = model.nHead * model.headDim, KVD = model.nKvHead * model.headDim, C = model.nEmbd, I = model.intermediateSize;
  const feat: Record<string, [string, number, number]> = {
    q_proj: ['self_attn', C, QD], k_proj: ['self_attn', C, KVD], v_proj: ['self_attn', C, KVD], o_proj: ['self_attn', QD, C],
    gate_proj: ['mlp', C, I], up_proj: ['mlp', C, I], down_proj: ['mlp', I, C],
  };
  const tensors: { name: string; shape: number[]; data: Float32Array }[] = [];
  for (let l = 0; l < model.nLayer; l++) {
    for (const t of opts.targets) {
      const [parent, inF, outF] = feat[t];
      tensors.push({ name: key(l, parent, t, 'B'), shape: [outF, opts.r], data: Float32Array.from({ length: outF * opts.r }, () => rng.normal()) });
      tensors.push({ name: key(l, parent, t, 'A'), shape: [opts.r, inF], data: Float32Array.from({ length: opts.r * inF }, () => rng.normal()) });
    }
  }
  return { tensors, bytes: encodeSafetensors(tensors, opts.dtype ?? 'F32', { format: 'pt' }) };
}

const cfg = (over: Record<string, unknown> = {}) => ({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj'], bias: 'none', ...over });

describe('importing other writers\' adapters', () => {
  it('keys with the adapter name and without the base_model.model. prefix, BF16, B before A: values are the BF16 values, in the layout\'s slots', () => {
    const f = foreign(llama, { r: 2, targets: ['v_proj', 'q_proj'], dtype: 'BF16', key: (l, p, t, ab) => `model.layers.${l}.${p}.${t}.lora_${ab}.default.weight` });
    const got = importPeftAdapter(llama, cfg({ target_modules: ['self_attn.v_proj', 'q_proj'], lora_dropout: 0.05 }), f.bytes);
    expect(got.dtype).toBe('BF16');
    expect(got.layout.config.target_modules).toEqual(['q_proj', 'v_proj']);
    expect(got.layout.scaling).toBe(2);
    expect(got.notes.join(' ')).toMatch(/lora_dropout 0\.05/);
    expect(got.notes.join(' ')).toMatch(/adapter name "default"/);
    for (const t of f.tensors) {
      const m = /layers\.(\d+)\.\w+\.(\w+)\.lora_(A|B)/.exec(t.name)!;
      const s = got.layout.slots.find((x) => x.layer === Number(m[1]) && x.target === m[2])!;
      const off = m[3] === 'A' ? s.a : s.b;
      const want = Float32Array.from(t.data, (v) => bf16ToFloat(floatToBf16(v)));
      expect(got.params.subarray(off, off + want.length), t.name).toEqual(want);
    }
  });

  it('"all-linear" means all seven; a regex target_modules or none lets the keys decide; rsLoRA keeps α/√r', () => {
    const all = foreign(qwen3, { r: 2, targets: [...LORA_TARGETS] });
    expect(importPeftAdapter(qwen3, cfg({ target_modules: 'all-linear' }), all.bytes).layout.config.target_modules).toEqual([...LORA_TARGETS]);
    const two = foreign(qwen3, { r: 2, targets: ['k_proj', 'up_proj'] });
    expect(importPeftAdapter(qwen3, cfg({ target_modules: '.*\\.(k_proj|up_proj)$' }), two.bytes).layout.config.target_modules).toEqual(['k_proj', 'up_proj']);
    const rs = importPeftAdapter(qwen3, cfg({ target_modules: null, use_rslora: true, lora_alpha: 6, r: 2 }), two.bytes);
    expect(rs.layout.scaling).toBeCloseTo(6 / Math.SQRT2, 15);
  });
});

describe('refusals name what is wrong', () => {
  const good = foreign(llama, { r: 2, targets: ['q_proj', 'v_proj'] });
  const cases: [string, Record<string, unknown>, Uint8Array, RegExp][] = [
    ['IA3', cfg({ peft_type: 'IA3' }), good.bytes, /peft_type is "IA3"; only LoRA adapters/],
    ['sequence classifier', cfg({ task_type: 'SEQ_CLS' }), good.bytes, /task_type is "SEQ_CLS"/],
    ['DoRA', cfg({ use_dora: true }), good.bytes, /use_dora is true: DoRA/],
    ['rank_pattern', cfg({ rank_pattern: { q_proj: 8 } }), good.bytes, /rank_pattern is \{"q_proj":8\}: a rank per module/],
    ['alpha_pattern', cfg({ alpha_pattern: { v_proj: 2 } }), good.bytes, /alpha_pattern .* an alpha per module/],
    ['modules_to_save', cfg({ modules_to_save: ['lm_head'] }), good.bytes, /modules_to_save is \["lm_head"\]/],
    ['bias', cfg({ bias: 'lora_only' }), good.bytes, /bias is "lora_only": trained biases/],
    ['layers_to_transform', cfg({ layers_to_transform: [0] }), good.bytes, /layers_to_transform is \[0\]: adapters on some layers only/],
    ['PiSSA', cfg({ init_lora_weights: 'pissa_niter_4' }), good.bytes, /init_lora_weights is "pissa_niter_4": that initialisation rewrites the base weights/],
    ['a target outside the seven', cfg({ target_modules: ['q_proj', 'lm_head'] }), good.bytes, /target_modules names "lm_head": the engine puts LoRA only on q_proj/],
    ['r not an integer', cfg({ r: 2.5 }), good.bytes, /r must be a positive integer, got 2\.5/],
    ['config targets ≠ weights', cfg({ target_modules: ['q_proj', 'k_proj'] }), good.bytes, /holds LoRA weights for q_proj, v_proj, but adapter_config\.json's target_modules is q_proj, k_proj/],
    ['rank ≠ r', cfg({ r: 3 }), good.bytes, /"base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_B\.weight" has shape \[32, 2\], this base needs \[32, 3\]/],
    ['another base', cfg({ base_model_name_or_path: 'org/bigger' }), foreign(qwen3, { r: 2, targets: ['q_proj', 'v_proj'] }).bytes, /needs \[.*\].*names base "org\/bigger"/],
  ];
  it.each(cases)('%s', (_, config, bytes, message) => {
    expect(() => importPeftAdapter(llama, config, bytes)).toThrow(message);
  });

  const build = (tensors: { name: string; shape: number[]; data: Float32Array }[]) => encodeSafetensors(tensors, 'F32');
  it('DoRA magnitudes, embedding LoRA, saved heads and biases in the weights are refused by key', () => {
    const extra = (name: string, shape: number[]) => build([...good.tensors, { name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]);
    expect(() => importPeftAdapter(llama, cfg(), extra('base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector', [32]))).toThrow(/lora_magnitude_vector" is a DoRA magnitude vector/);
    expect(() => importPeftAdapter(llama, cfg(), extra('base_model.model.model.embed_tokens.lora_embedding_A', [2, 294]))).toThrow(/is LoRA on an embedding/);
    expect(() => importPeftAdapter(llama, cfg(), extra('base_model.model.lm_head.weight', [294, 32]))).toThrow(/lm_head\.weight" is a saved base module/);
    expect(() => importPeftAdapter(llama, cfg(), extra('base_model.model.model.layers.0.self_attn.q_proj.lora_B.bias', [32]))).toThrow(/is a bias on a LoRA matrix/);
  });

  it('a layer the base lacks, a layer without its adapters, two adapters in one file, NaN, bad JSON', () => {
    const deeper = foreign({ ...llama, nLayer: 3 }, { r: 2, targets: ['q_proj', 'v_proj'] });
    expect(() => importPeftAdapter(llama, cfg(), deeper.bytes)).toThrow(/adapts layer 2, but the base has 2 layers/);
    const holes = build(good.tensors.filter((t) => !t.name.includes('layers.1.self_attn.v_proj.lora_A')));
    expect(() => importPeftAdapter(llama, cfg(), holes)).toThrow(/lacks layer 1 v_proj lora_A: the engine needs each target on every one/);
    const two = build([...good.tensors.slice(0, 2).map((t) => ({ ...t, name: t.name.replace('.weight', '.default.weight') })), ...good.tensors.slice(2).map((t) => ({ ...t, name: t.name.replace('.weight', '.other.weight') }))]);
    expect(() => importPeftAdapter(llama, cfg(), two)).toThrow(/holds 2 adapters \("default", "other"\)/);
    const nan = good.tensors.map((t, i) => (i === 3 ? { ...t, data: Float32Array.from(t.data, (v, j) => (j === 5 ? Infinity : v)) } : t));
    expect(() => importPeftAdapter(llama, cfg(), build(nan))).toThrow(new RegExp(`"${good.tensors[3].name.replace(/\./g, '\\.')}" holds Infinity at element 5`));
    expect(() => parseAdapterConfigBytes(new TextEncoder().encode('{"r": 8,'))).toThrow(/adapter_config\.json is not valid JSON/);
  });
});
