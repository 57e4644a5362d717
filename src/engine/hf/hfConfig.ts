// config.json → LlamaConfig for the families the engine runs, with transformers' defaults and
// meanings (configuration_llama.py / configuration_qwen2.py / configuration_qwen3.py and
// modeling_rope_utils.py, transformers 4.4x–5): a field config.json leaves out takes the class
// default; what the engine does not run (another architecture, rope type, activation, sliding
// window, partial rotary, MLP bias, quantised weights) is refused with a message that names it.
// Pure.
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { validateLlamaConfig, type Llama3RopeScaling, type LlamaConfig, type LlamaFamily } from '../llamaConfig.ts';
import type { SafetensorsDtype } from './safetensorsHeader.ts';

/** model_type → the causal-LM class config.json's `architectures` names. */
export const LLAMA_ARCHITECTURES: Record<LlamaFamily, string> = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', qwen3: 'Qwen3ForCausalLM' };

/** Class defaults for fields config.json may omit (null: derived from other fields). */
const DEFAULTS: Record<LlamaFamily, { maxPositions: number; kvHeads: number | null; headDim: number | null }> = {
  llama: { maxPositions: 2048, kvHeads: null, headDim: null }, // LlamaConfig: kv heads = heads, head_dim = hidden / heads
  qwen2: { maxPositions: 32768, kvHeads: 32, headDim: null }, // Qwen2Config: num_key_value_heads=32; modeling reads head_dim if present
  qwen3: { maxPositions: 32768, kvHeads: 32, headDim: 128 }, // Qwen3Config: num_key_value_heads=32, head_dim=128
};
const DEFAULT_RMS_EPS = 1e-6;
/** RotaryEmbeddingConfigMixin.default_theta (and the 4.x classes' rope_theta default). */
const DEFAULT_ROPE_THETA = 10000;
/** Qwen2/Qwen3 max_window_layers default: layers from this index on slide when use_sliding_window. */
const DEFAULT_MAX_WINDOW_LAYERS = 28;

const REQUIRED = ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads'] as const;

export interface HfConfigOptions {
  /** The repository ships an ONNX export: a refusal then says ONNX Runtime can open it. */
  hasOnnx?: boolean;
  /** For messages (default config.json). */
  file?: string;
}

export function llamaConfigFromHf(json: Record<string, unknown>, opts: HfConfigOptions = {}): LlamaConfig {
  const file = opts.file ?? 'config.json';
  const refuse = (what: string) =>
    new ModelLoadError(
      'unsupported-architecture',
      `${what}${opts.hasOnnx ? ' This repository also has an ONNX export: open it with ONNX Runtime instead.' : ''}`,
      { file },
    );
  const invalid = (what: string) => new ModelLoadError('invalid-config', `${file}: ${what}`, { file });

  const family = familyOf(json, refuse);
  if (json.quantization_config !== undefined && json.quantization_config !== null) {
    const method = (json.quantization_config as { quant_method?: unknown }).quant_method;
    throw refuse(`${file} describes quantised weights (quant_method ${JSON.stringify(method ?? 'unknown')}); the engine runs F32 / F16 / BF16 weights only.`);
  }
  const missing = REQUIRED.filter((k) => json[k] === undefined || json[k] === null);
  if (missing.length > 0) throw invalid(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; a ${LLAMA_ARCHITECTURES[family]} config needs ${REQUIRED.join(', ')}.`);
  const int = (k: string, fallback?: number | null): number => {
    const v = json[k] ?? fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw invalid(`${k} must be a positive integer, got ${JSON.stringify(json[k])}.`);
    return v;
  };
  const num = (k: string, fallback: number): number => {
    const v = json[k] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${k} must be a number, got ${JSON.stringify(json[k])}.`);
    return v;
  };
  const flag = (k: string, fallback: boolean): boolean => {
    const v = json[k] ?? fallback;
    if (typeof v !== 'boolean') throw invalid(`${k} must be true or false, got ${JSON.stringify(json[k])}.`);
    return v;
  };

  const d = DEFAULTS[family];
  const nEmbd = int('hidden_size');
  const nHead = int('num_attention_heads');
  const nLayer = int('num_hidden_layers');
  const blockSize = int('max_position_embeddings', d.maxPositions);
  let headDim: number;
  if (json.head_dim !== undefined && json.head_dim !== null) headDim = int('head_dim');
  else if (d.headDim !== null) headDim = d.headDim;
  else {
    if (nEmbd % nHead !== 0) throw invalid(`hidden_size (${nEmbd}) is not a multiple of num_attention_heads (${nHead}) and there is no head_dim.`);
    headDim = nEmbd / nHead;
  }

  const act = json.hidden_act ?? 'silu';
  if (act !== 'silu') throw refuse(`${file}: hidden_act ${JSON.stringify(act)} is not supported; the engine's MLP is SwiGLU (silu).`);
  if (family === 'llama' && flag('mlp_bias', false)) throw refuse(`${file}: mlp_bias is true (biases on gate/up/down_proj); the engine's MLP has no biases.`);
  checkSlidingWindow(json, family, nLayer, file, refuse);
  const attentionBias = family === 'qwen2' ? false : flag('attention_bias', false);

  const config: LlamaConfig = {
    arch: 'llama',
    family,
    vocabSize: int('vocab_size'),
    blockSize,
    nLayer,
    nHead,
    nKvHead: int('num_key_value_heads', d.kvHeads ?? nHead),
    nEmbd,
    headDim,
    intermediateSize: int('intermediate_size'),
    rmsNormEps: num('rms_norm_eps', DEFAULT_RMS_EPS),
    ...rope(json, blockSize, file, refuse, invalid),
    // Qwen2Attention: q/k/v always with bias, o_proj never; Llama and Qwen3: all four per attention_bias.
    qkvBias: family === 'qwen2' || attentionBias,
    oBias: attentionBias,
    qkNorm: family === 'qwen3',
    tieWordEmbeddings: flag('tie_word_embeddings', false),
  };
  try {
    validateLlamaConfig(config);
  } catch (e) {
    throw new ModelLoadError('invalid-config', `${file}: ${(e as Error).message}`, { file, cause: e });
  }
  return config;
}

/** The weights' dtype config.json declares (torch_dtype; transformers 5 writes dtype), if one of ours. */
export function declaredWeightDtype(json: Record<string, unknown>): SafetensorsDtype | null {
  const v = json.torch_dtype ?? json.dtype;
  return v === 'float32' ? 'F32' : v === 'float16' ? 'F16' : v === 'bfloat16' ? 'BF16' : null;
}

function familyOf(json: Record<string, unknown>, refuse: (what: string) => ModelLoadError): LlamaFamily {
  const archs = Array.isArray(json.architectures) ? json.architectures.filter((a): a is string => typeof a === 'string') : [];
  const type = typeof json.model_type === 'string' ? json.model_type : undefined;
  const supported = Object.keys(LLAMA_ARCHITECTURES) as LlamaFamily[];
  const family = type !== undefined ? supported.find((f) => f === type) : supported.find((f) => archs.includes(LLAMA_ARCHITECTURES[f]));
  const list = supported.map((f) => `${f} (${LLAMA_ARCHITECTURES[f]})`).join(', ');
  if (!family) {
    const named = type !== undefined ? `model_type "${type}"${archs.length ? ` (${archs.join(', ')})` : ''}` : archs.length ? `architecture ${archs.join(', ')}` : 'no model_type';
    throw refuse(`config.json names ${named}; the engine runs ${list}.`);
  }
  if (archs.length > 0 && !archs.includes(LLAMA_ARCHITECTURES[family])) {
    throw refuse(`config.json names architecture ${archs.join(', ')} for model_type "${family}"; the engine runs the causal LM ${LLAMA_ARCHITECTURES[family]}.`);
  }
  return family;
}

/**
 * Qwen2/Qwen3: with use_sliding_window, layers from max_window_layers on attend within
 * sliding_window (layer_types, when config.json lists them, say so per layer).
 */
function checkSlidingWindow(json: Record<string, unknown>, family: LlamaFamily, nLayer: number, file: string, refuse: (what: string) => ModelLoadError): void {
  if (family === 'llama') return;
  let sliding: number[] = [];
  if (Array.isArray(json.layer_types)) {
    sliding = json.layer_types.flatMap((t, i) => (t === 'sliding_attention' ? [i] : []));
  } else if (json.use_sliding_window === true && json.sliding_window !== null) {
    const from = typeof json.max_window_layers === 'number' ? json.max_window_layers : DEFAULT_MAX_WINDOW_LAYERS;
    for (let i = Math.max(0, from); i < nLayer; i++) sliding.push(i);
  }
  if (sliding.length > 0) {
    const span = sliding.length === 1 ? `layer ${sliding[0]}` : `layers ${sliding[0]}–${sliding[sliding.length - 1]}`;
    throw refuse(`${file}: use_sliding_window is on, so ${span} attend within a sliding window of ${JSON.stringify(json.sliding_window ?? 4096)} tokens; the engine runs full attention only.`);
  }
}

/**
 * rope_theta and rope_scaling as transformers standardises them: rope_scaling (4.x) or
 * rope_parameters (5.x), its rope_type (or legacy `type`), theta inside it or at the top level.
 */
function rope(
  json: Record<string, unknown>,
  maxPositions: number,
  file: string,
  refuse: (what: string) => ModelLoadError,
  invalid: (what: string) => ModelLoadError,
): { ropeTheta: number; ropeScaling: Llama3RopeScaling | null } {
  const raw = json.rope_scaling || json.rope_parameters || {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`rope_scaling must be an object or null, got ${JSON.stringify(raw)}.`);
  const p = raw as Record<string, unknown>;
  const theta = p.rope_theta ?? json.rope_theta ?? DEFAULT_ROPE_THETA;
  if (typeof theta !== 'number' || !(theta > 0)) throw invalid(`rope_theta must be a positive number, got ${JSON.stringify(theta)}.`);
  const partial = p.partial_rotary_factor ?? json.partial_rotary_factor ?? 1;
  if (partial !== 1) throw refuse(`${file}: partial_rotary_factor ${JSON.stringify(partial)} (rotary on part of each head) is not supported; the engine rotates whole heads.`);
  const type = p.rope_type ?? p.type ?? 'default';
  if (type === 'default') return { ropeTheta: theta, ropeScaling: null };
  if (type !== 'llama3') {
    throw refuse(`${file}: rope_scaling type ${JSON.stringify(type)} is not supported; the engine runs plain rotary embeddings and Llama-3's "llama3" scaling.`);
  }
  const lacking = ['factor', 'low_freq_factor', 'high_freq_factor'].filter((k) => typeof p[k] !== 'number');
  if (lacking.length > 0) throw invalid(`rope_scaling of type "llama3" needs ${lacking.join(', ')} (numbers).`);
  // standardize_rope_params: original_max_position_embeddings defaults to max_position_embeddings.
  const original = p.original_max_position_embeddings ?? json.original_max_position_embeddings ?? maxPositions;
  if (typeof original !== 'number') throw invalid(`rope_scaling.original_max_position_embeddings must be a number, got ${JSON.stringify(original)}.`);
  return {
    ropeTheta: theta,
    ropeScaling: {
      type: 'llama3',
      factor: p.factor as number,
      lowFreqFactor: p.low_freq_factor as number,
      highFreqFactor: p.high_freq_factor as number,
      originalMaxPositionEmbeddings: original,
    },
  };
}
