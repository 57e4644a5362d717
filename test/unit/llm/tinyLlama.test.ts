// The test-side Hugging Face writers: the tiny tokenizer loads in @huggingface/tokenizers through the
// app's HfTokenizer and round-trips any text; the safetensors writer's files parse back to the values
// (F32 exact, halves rounded to nearest even); shards + index cover every tensor once; the tiny
// models' tensor names and shapes are the engine's (src/engine/llamaConfig.ts); weights are seeded.
import { expect, test } from 'vitest';
import { HfTokenizer } from '../../../src/llm/hub/hfTokenizer.ts';
import { llamaTensorShapes, type LlamaConfig } from '../../../src/engine/llamaConfig.ts';
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from '../../../src/numeric/halfFloat.ts';
import { encodeSafetensors, INDEX_FILE, weightFiles, type SafetensorsDtype, type TensorSpec } from '../../util/safetensorsFile.ts';
import { tinyTokenizer, TOKENIZER_SPECIALS, type TokenizerStyle } from '../../util/tinyTokenizer.ts';
import { hfTensorShapes, tinyLlama, TINY_LLAMA_CONFIGS, type HfConfig, type TinyLlamaName } from '../../util/tinyLlama.ts';

const json = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

function parse(file: Uint8Array): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; headerLen: number; data: Uint8Array } {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  const header = json(file.subarray(8, 8 + n)) as ReturnType<typeof parse>['header'];
  delete (header as Record<string, unknown>).__metadata__;
  return { header, headerLen: n, data: file.subarray(8 + n) };
}

test.each(['llama3', 'chatml', 'chatml-think'] as TokenizerStyle[])('the %s tokenizer loads through HfTokenizer and round-trips text', (style) => {
  const t = tinyTokenizer(style);
  const tok = new HfTokenizer(json(t.files.get('tokenizer.json')), json(t.files.get('tokenizer_config.json')));
  expect(tok.vocabSize).toBe(t.size);
  const text = 'Digits 0123456789, letters AZaz; punctuation !?.:()[]{}\\ "q" \'s\nnew line\n\nünïcödé 😀 + = 42}';
  const ids = tok.encode(text, { addSpecialTokens: false });
  expect(tok.decode(ids)).toBe(text);
  expect(Math.max(...ids)).toBeLessThan(t.size);
  expect(tok.encode(' the final answer is', { addSpecialTokens: false })).toHaveLength(4); // merged words
  for (const s of TOKENIZER_SPECIALS[style]) expect(tok.encode(s, { addSpecialTokens: false })).toEqual([t.special[s]]);
  expect(tok.thinking).toBe(style === 'chatml-think');
  const prompt = tok.formatPrompt('2+2?');
  if (style === 'llama3') {
    expect(prompt).toBe('<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
    expect(tok.encode('hi')[0]).toBe(t.bosId); // the post-processor adds <|begin_of_text|>, as Llama 3's does
  } else {
    expect(prompt).toBe(`<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n${style === 'chatml-think' ? '<think>\n' : ''}`);
    expect(tok.encode('hi')).toEqual(tok.encode('hi', { addSpecialTokens: false }));
  }
});

test.each(['F32', 'F16', 'BF16'] as SafetensorsDtype[])('a %s safetensors file parses back to its values', (dtype) => {
  const a = { name: 'a', shape: [2, 3], data: new Float32Array([0, -1.5, 3.14159, 65504, 1e-6, -(2 ** -20)]) };
  const b = { name: 'b.bias', shape: [1], data: new Float32Array([0.1]) };
  const file = encodeSafetensors([a, b], dtype, { format: 'pt' });
  const { header, headerLen, data } = parse(file);
  expect(headerLen % 8).toBe(0);
  expect(header.a).toEqual({ dtype, shape: [2, 3], data_offsets: [0, 6 * (dtype === 'F32' ? 4 : 2)] });
  expect(header['b.bias'].data_offsets[0]).toBe(header.a.data_offsets[1]);
  expect(data.length).toBe(header['b.bias'].data_offsets[1]);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const back = Array.from({ length: 6 }, (_, i) =>
    dtype === 'F32' ? dv.getFloat32(4 * i, true) : dtype === 'F16' ? halfToFloat(dv.getUint16(2 * i, true)) : bf16ToFloat(dv.getUint16(2 * i, true)));
  const want = Array.from(a.data, (x) => (dtype === 'F32' ? x : dtype === 'F16' ? halfToFloat(floatToHalf(x)) : bf16ToFloat(floatToBf16(x))));
  expect(back).toEqual(want);
  if (dtype === 'F16') expect(back[3]).toBe(65504); // the largest half survives
});

test('shards: each tensor in exactly one file, as the index says; no file empty; total_size = the bytes', () => {
  const tensors: TensorSpec[] = [10, 1, 1, 30, 2, 2, 2].map((n, i) => ({ name: `t${i}`, shape: [n], data: new Float32Array(n).fill(i) }));
  for (const shards of [2, 3, 7]) {
    const files = weightFiles(tensors, 'BF16', shards);
    const index = json(files.get(INDEX_FILE)) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    expect(index.metadata.total_size).toBe(48 * 2);
    expect(Object.keys(index.weight_map).sort()).toEqual(tensors.map((t) => t.name).sort());
    const shardNames = [...files.keys()].filter((f) => f !== INDEX_FILE);
    expect(shardNames).toHaveLength(shards);
    expect(shardNames[0]).toBe(`model-00001-of-${String(shards).padStart(5, '0')}.safetensors`);
    for (const f of shardNames) {
      const names = Object.keys(parse(files.get(f)!).header);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(index.weight_map[n]).toBe(f);
    }
  }
  expect(() => weightFiles(tensors, 'F32', 8)).toThrow(/shards must be an integer in \[1, 7\]/);
});

/** The engine's config for an HF config, field by field, to compare tensor names and shapes. */
function engineConfig(c: HfConfig): LlamaConfig {
  const hd = typeof c.head_dim === 'number' ? c.head_dim : c.hidden_size / c.num_attention_heads;
  return {
    arch: 'llama', family: c.model_type, vocabSize: c.vocab_size, blockSize: 2048, nLayer: c.num_hidden_layers, nHead: c.num_attention_heads,
    nKvHead: c.num_key_value_heads, nEmbd: c.hidden_size, headDim: hd, intermediateSize: c.intermediate_size, rmsNormEps: 1e-5, ropeTheta: 1e4,
    ropeScaling: null, qkvBias: c.model_type === 'qwen2', oBias: false, qkNorm: c.model_type === 'qwen3', tieWordEmbeddings: c.tie_word_embeddings,
  };
}

test('the tiny models hold exactly the tensors the engine expects; weights are seeded; the folder is complete', () => {
  for (const name of Object.keys(TINY_LLAMA_CONFIGS) as TinyLlamaName[]) {
    const c = TINY_LLAMA_CONFIGS[name];
    expect(new Map(hfTensorShapes(c))).toEqual(llamaTensorShapes(engineConfig(c)));
  }
  const a = tinyLlama({ name: 'qwen3-qknorm', dtype: 'BF16', shards: 2 });
  const again = tinyLlama({ name: 'qwen3-qknorm', dtype: 'BF16', shards: 2 });
  expect([...a.folder.keys()].sort()).toEqual(['config.json', 'generation_config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors',
    INDEX_FILE, 'tokenizer.json', 'tokenizer_config.json']);
  for (const [p, b] of a.folder) expect(again.folder.get(p), p).toEqual(b);
  const other = tinyLlama({ name: 'qwen3-qknorm', seed: 2 });
  expect(other.weights[0].data).not.toEqual(a.weights[0].data);
  const cfg = json(a.folder.get('config.json'));
  expect(cfg).toMatchObject({ model_type: 'qwen3', head_dim: 12, hidden_size: 32, torch_dtype: 'bfloat16', eos_token_id: a.special['<|im_end|>'] });
  // Scales: norms near 1, q/k rows wider than v rows (peaked attention), embeddings N(0, 1) when untied.
  const byName = new Map(a.weights.map((t) => [t.name, t.data]));
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  expect(rms(byName.get('model.embed_tokens.weight')!)).toBeCloseTo(1, 1);
  expect(rms(byName.get('model.layers.0.self_attn.q_proj.weight')!) / rms(byName.get('model.layers.0.self_attn.v_proj.weight')!)).toBeCloseTo(2, 0);
  expect(Math.abs(byName.get('model.norm.weight')!.reduce((s, v) => s + v, 0) / 32 - 1)).toBeLessThan(0.15);
});
