// Tiny random Llama-family models in the Hugging Face layout (issue #21 §4): config.json,
// generation_config.json, weights as safetensors (F32 / F16 / BF16, one file or sharded) and a
// small real tokenizer (tinyTokenizer.ts). Seeded with the project's PRNG, so the same name, seed
// and dtype give the same bytes in Node and in the browser. The torch reference
// (python/repro_rl/llama_ref) reads these folders; test/globalSetup/llamaReference.ts writes them
// with its expectations under test/.generated/llama/.
import { Rng } from '../../src/sampling/rng.ts';
import type { ModelFolder } from '../fixtures/onnx/modelFolder.ts';
import { weightFiles, type SafetensorsDtype, type TensorSpec } from './safetensorsFile.ts';
import { tinyTokenizer, type TokenizerStyle } from './tinyTokenizer.ts';

interface HfConfigCore {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  tie_word_embeddings: boolean;
}

/** config.json: the fields every family has, typed; the rest as transformers names them. */
export type HfConfig = HfConfigCore & { model_type: 'llama' | 'qwen2' | 'qwen3' } & Record<string, unknown>;

const ARCH = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', qwen3: 'Qwen3ForCausalLM' } as const;
const STYLE: Record<HfConfig['model_type'], TokenizerStyle> = { llama: 'llama3', qwen2: 'chatml', qwen3: 'chatml-think' };

function config(family: HfConfig['model_type'], fields: HfConfigCore & Record<string, unknown>): HfConfig {
  const common = {
    architectures: [ARCH[family]],
    hidden_act: 'silu',
    max_position_embeddings: 2048,
    rms_norm_eps: family === 'llama' ? 1e-5 : 1e-6,
    rope_theta: family === 'llama' ? 10000.0 : 1000000.0,
    attention_dropout: 0.0,
    initializer_range: 0.02,
    torch_dtype: 'float32',
    use_cache: true,
    transformers_version: '4.51.0',
  };
  const perFamily =
    family === 'llama' ? { attention_bias: false, mlp_bias: false, pretraining_tp: 1, rope_scaling: null }
    : family === 'qwen2' ? { use_sliding_window: false, sliding_window: 32768, max_window_layers: 2, rope_scaling: null }
    : { attention_bias: false, use_sliding_window: false, sliding_window: null, max_window_layers: 2, rope_scaling: null };
  return { model_type: family, ...common, ...perFamily, ...fields } as HfConfig;
}

/**
 * The standard configurations: (a) Llama, GQA 4 / 2, untied LM head; (b) Qwen2, q/k/v bias, tied
 * embeddings (vocab padded past the tokenizer, as Qwen's is); (c) Qwen3, q/k norm, head_dim 12 ≠
 * 32 / 4; (d) Llama with Llama-3 rope scaling, one KV head, tied (as Llama-3.2-1B). Head dim 8 and
 * θ 5e5 put the four rotary wavelengths (6.3, 167, 4443, 1.2e5) in all three bands of L = 256.
 * `bench` is the benchmark size (4 layers × 256, vocab 32 000), not generated for tests by default.
 */
export const TINY_LLAMA_CONFIGS = {
  'llama-gqa': config('llama', {
    vocab_size: 294, hidden_size: 32, intermediate_size: 72, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: false,
  }),
  'qwen2-bias-tied': config('qwen2', {
    vocab_size: 320, hidden_size: 32, intermediate_size: 80, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: true,
  }),
  'qwen3-qknorm': config('qwen3', {
    vocab_size: 320, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 12, tie_word_embeddings: false,
  }),
  'llama3-rope': config('llama', {
    vocab_size: 294, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 1, tie_word_embeddings: true,
    rope_theta: 500000.0,
    rope_scaling: { rope_type: 'llama3', factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 256 },
  }),
  bench: config('llama', {
    vocab_size: 32000, hidden_size: 256, intermediate_size: 704, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: true,
  }),
} satisfies Record<string, HfConfig>;

export type TinyLlamaName = keyof typeof TINY_LLAMA_CONFIGS;

/** Tensor shapes by hub name, in the order transformers' state dict lists them. */
export function hfTensorShapes(c: HfConfig): [string, number[]][] {
  const C = c.hidden_size, V = c.vocab_size, I = c.intermediate_size;
  const HD = typeof c.head_dim === 'number' ? c.head_dim : C / c.num_attention_heads;
  const QD = c.num_attention_heads * HD, KVD = c.num_key_value_heads * HD;
  const qkvBias = c.model_type === 'qwen2' || c.attention_bias === true;
  const oBias = c.model_type !== 'qwen2' && c.attention_bias === true;
  const out: [string, number[]][] = [['model.embed_tokens.weight', [V, C]]];
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}.`;
    for (const [n, rows] of [['q_proj', QD], ['k_proj', KVD], ['v_proj', KVD]] as const) {
      out.push([`${p}self_attn.${n}.weight`, [rows, C]]);
      if (qkvBias) out.push([`${p}self_attn.${n}.bias`, [rows]]);
    }
    if (c.model_type === 'qwen3') out.push([`${p}self_attn.q_norm.weight`, [HD]], [`${p}self_attn.k_norm.weight`, [HD]]);
    out.push([`${p}self_attn.o_proj.weight`, [C, QD]]);
    if (oBias) out.push([`${p}self_attn.o_proj.bias`, [C]]);
    out.push([`${p}mlp.gate_proj.weight`, [I, C]], [`${p}mlp.up_proj.weight`, [I, C]], [`${p}mlp.down_proj.weight`, [C, I]]);
    out.push([`${p}input_layernorm.weight`, [C]], [`${p}post_attention_layernorm.weight`, [C]]);
  }
  out.push(['model.norm.weight', [C]]);
  if (!c.tie_word_embeddings) out.push(['lm_head.weight', [V, C]]);
  return out;
}

/**
 * Seeded float32 weights, scaled so attention and logits are far from uniform: linear rows
 * ~ N(0, (g / √in)²) with g = 2 for q/k (scores spread over a few units) and 3 for the LM head
 * (logits std ≈ 3, so greedy top-1 − top-2 gaps are rarely tiny); norms 1 + N(0, 0.2²) (a
 * "1 + weight" mistake shows); biases N(0, 0.3²); embeddings N(0, 1), or N(0, (3 / √C)²) when tied.
 * Tied models also get g = 3 on o_proj / down_proj: otherwise a token's own embedding dominates the
 * last hidden state, it predicts itself, and greedy decoding repeats one token (1–6 distinct of 32).
 */
export function tinyLlamaWeights(c: HfConfig, seed: number): TensorSpec[] {
  const rng = new Rng(seed);
  return hfTensorShapes(c).map(([name, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const tied = name === 'model.embed_tokens.weight' && c.tie_word_embeddings;
    let scale: number, offset = 0;
    if (name.endsWith('norm.weight') || name.endsWith('layernorm.weight')) [scale, offset] = [0.2, 1];
    else if (name.endsWith('.bias')) scale = 0.3;
    else if (name === 'model.embed_tokens.weight') scale = tied ? 3 / Math.sqrt(c.hidden_size) : 1;
    else {
      const residual = name.endsWith('o_proj.weight') || name.endsWith('down_proj.weight');
      const gain = name.endsWith('q_proj.weight') || name.endsWith('k_proj.weight') ? 2 : name === 'lm_head.weight' || (residual && c.tie_word_embeddings) ? 3 : 1;
      scale = gain / Math.sqrt(shape[1]);
    }
    for (let i = 0; i < n; i++) data[i] = offset + scale * rng.normal();
    return { name, shape, data };
  });
}

export interface TinyLlamaSpec {
  name: TinyLlamaName;
  dtype?: SafetensorsDtype;
  /** 1: model.safetensors; more: model-0000k-of-0000n.safetensors + model.safetensors.index.json */
  shards?: number;
  seed?: number;
  /** config.json fields to change (e.g. a wrong shape for a refusal test) */
  override?: Partial<HfConfig>;
}

export interface TinyLlama {
  folder: ModelFolder;
  config: HfConfig;
  /** the float32 values before rounding to the file's dtype */
  weights: TensorSpec[];
  tokenizerSize: number;
  special: Record<string, number>;
}

export function tinyLlama(spec: TinyLlamaSpec): TinyLlama {
  const dtype = spec.dtype ?? 'F32';
  const cfg = { ...TINY_LLAMA_CONFIGS[spec.name], ...spec.override, torch_dtype: dtype === 'F32' ? 'float32' : dtype === 'F16' ? 'float16' : 'bfloat16' } as HfConfig;
  const tok = tinyTokenizer(STYLE[cfg.model_type]);
  if (tok.size > cfg.vocab_size) throw new RangeError(`${spec.name}: vocab_size ${cfg.vocab_size} < the tokenizer's ${tok.size} ids`);
  const weights = tinyLlamaWeights(cfg, spec.seed ?? 1);
  const folder: ModelFolder = new Map(tok.files);
  const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2));
  const withIds = { ...cfg, bos_token_id: tok.bosId, eos_token_id: tok.eosId };
  folder.set('config.json', json(withIds));
  folder.set('generation_config.json', json({ bos_token_id: tok.bosId, eos_token_id: tok.eosId, do_sample: false, transformers_version: '4.51.0' }));
  for (const [path, bytes] of weightFiles(weights, dtype, spec.shards ?? 1)) folder.set(path, bytes);
  return { folder, config: withIds, weights, tokenizerSize: tok.size, special: tok.special };
}
