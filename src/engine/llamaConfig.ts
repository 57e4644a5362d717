// The Llama family (Llama / SmolLM2 / Llama-3.2, Qwen2 / Qwen2.5, Qwen3) as a configuration of the
// engine: pre-norm RMSNorm blocks, rotary position embeddings, grouped-query attention, SwiGLU MLP,
// optional q/k/v bias (Qwen2), per-head q/k RMSNorm (Qwen3), tied or untied LM head. Field names
// follow the toy's ModelConfig where they mean the same thing; the rest follow transformers'
// config.json (parsed from it in src/engine/hf/). Formulas: transformers' modeling_llama.py /
// modeling_qwen2.py / modeling_qwen3.py (and python/repro_rl/llama_ref.py, our torch reference).
//
// Size letters (beside config.ts's): NKV key/value heads, HD head dim (may differ from C / NH),
// I the MLP's intermediate width, QD = NH·HD, KVD = NKV·HD.

export type LlamaFamily = 'llama' | 'qwen2' | 'qwen3';

/** Llama-3's frequency-dependent rope scaling (rope_scaling.rope_type "llama3"). */
export interface Llama3RopeScaling {
  type: 'llama3';
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositionEmbeddings: number;
}

export interface LlamaConfig {
  arch: 'llama';
  /** config.json model_type: names the family in messages and exports */
  family: LlamaFamily;
  /** V: vocab_size (rows of the embedding and the LM head) */
  vocabSize: number;
  /** max_position_embeddings: positions the model was trained on */
  blockSize: number;
  /** L: num_hidden_layers */
  nLayer: number;
  /** NH: num_attention_heads */
  nHead: number;
  /** NKV: num_key_value_heads (NH must be a multiple of it; NKV = NH is plain multi-head attention) */
  nKvHead: number;
  /** C: hidden_size */
  nEmbd: number;
  /** HD: head_dim (config.head_dim, else C / NH) */
  headDim: number;
  /** I: intermediate_size */
  intermediateSize: number;
  /** rms_norm_eps */
  rmsNormEps: number;
  /** rope_theta (base of the rotary frequencies) */
  ropeTheta: number;
  /** rope_scaling: null, or Llama-3's; other types are refused when the config is parsed */
  ropeScaling: Llama3RopeScaling | null;
  /** bias on q_proj, k_proj, v_proj (Qwen2 always; Llama/Qwen3 when attention_bias) */
  qkvBias: boolean;
  /** bias on o_proj (Llama/Qwen3 when attention_bias; never Qwen2) */
  oBias: boolean;
  /** per-head RMSNorm of q and k before rotary (Qwen3: self_attn.q_norm / k_norm, width HD) */
  qkNorm: boolean;
  /** the LM head is the embedding matrix (tie_word_embeddings); else lm_head.weight */
  tieWordEmbeddings: boolean;
}

/** Tensor names as the hub's safetensors spell them (transformers' state dict). */
export const llamaTensorNames = {
  embed: 'model.embed_tokens.weight',
  finalNorm: 'model.norm.weight',
  lmHead: 'lm_head.weight',
  layer: (l: number, part: LlamaLayerTensor) => `model.layers.${l}.${part}`,
} as const;

export const LLAMA_LAYER_TENSORS = [
  'input_layernorm.weight',
  'self_attn.q_proj.weight', 'self_attn.q_proj.bias',
  'self_attn.k_proj.weight', 'self_attn.k_proj.bias',
  'self_attn.v_proj.weight', 'self_attn.v_proj.bias',
  'self_attn.q_norm.weight', 'self_attn.k_norm.weight',
  'self_attn.o_proj.weight', 'self_attn.o_proj.bias',
  'post_attention_layernorm.weight',
  'mlp.gate_proj.weight', 'mlp.up_proj.weight', 'mlp.down_proj.weight',
] as const;
export type LlamaLayerTensor = (typeof LLAMA_LAYER_TENSORS)[number];

/** Shape of every tensor the config needs, by hub name (linear weights [out, in], as nn.Linear stores them). */
export function llamaTensorShapes(c: LlamaConfig): Map<string, number[]> {
  validateLlamaConfig(c);
  const { vocabSize: V, nEmbd: C, nHead: NH, nKvHead: NKV, headDim: HD, intermediateSize: I } = c;
  const QD = NH * HD, KVD = NKV * HD;
  const out = new Map<string, number[]>();
  out.set(llamaTensorNames.embed, [V, C]);
  for (let l = 0; l < c.nLayer; l++) {
    const per: [LlamaLayerTensor, number[], boolean][] = [
      ['input_layernorm.weight', [C], true],
      ['self_attn.q_proj.weight', [QD, C], true], ['self_attn.q_proj.bias', [QD], c.qkvBias],
      ['self_attn.k_proj.weight', [KVD, C], true], ['self_attn.k_proj.bias', [KVD], c.qkvBias],
      ['self_attn.v_proj.weight', [KVD, C], true], ['self_attn.v_proj.bias', [KVD], c.qkvBias],
      ['self_attn.q_norm.weight', [HD], c.qkNorm], ['self_attn.k_norm.weight', [HD], c.qkNorm],
      ['self_attn.o_proj.weight', [C, QD], true], ['self_attn.o_proj.bias', [C], c.oBias],
      ['post_attention_layernorm.weight', [C], true],
      ['mlp.gate_proj.weight', [I, C], true], ['mlp.up_proj.weight', [I, C], true], ['mlp.down_proj.weight', [C, I], true],
    ];
    for (const [part, shape, present] of per) if (present) out.set(llamaTensorNames.layer(l, part), shape);
  }
  out.set(llamaTensorNames.finalNorm, [C]);
  if (!c.tieWordEmbeddings) out.set(llamaTensorNames.lmHead, [V, C]);
  return out;
}

export function validateLlamaConfig(c: LlamaConfig): void {
  for (const k of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nKvHead', 'nEmbd', 'headDim', 'intermediateSize'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`LlamaConfig.${k} must be a positive integer, got ${v}`);
  }
  if (c.nHead % c.nKvHead !== 0) {
    throw new RangeError(`LlamaConfig: num_attention_heads (${c.nHead}) must be a multiple of num_key_value_heads (${c.nKvHead})`);
  }
  if (c.headDim % 2 !== 0) throw new RangeError(`LlamaConfig.headDim must be even for rotary embeddings, got ${c.headDim}`);
  if (!(c.rmsNormEps > 0)) throw new RangeError(`LlamaConfig.rmsNormEps must be > 0, got ${c.rmsNormEps}`);
  if (!(c.ropeTheta > 0)) throw new RangeError(`LlamaConfig.ropeTheta must be > 0, got ${c.ropeTheta}`);
  const s = c.ropeScaling;
  if (s) {
    if (!(s.factor > 0 && s.lowFreqFactor > 0 && s.highFreqFactor > s.lowFreqFactor && s.originalMaxPositionEmbeddings > 0)) {
      throw new RangeError(`LlamaConfig.ropeScaling (llama3) needs factor > 0, 0 < low_freq_factor < high_freq_factor, original_max_position_embeddings > 0; got ${JSON.stringify(s)}`);
    }
  }
}
