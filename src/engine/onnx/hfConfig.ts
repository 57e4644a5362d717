// config.json and generation_config.json for the ONNX export, so Hugging Face-style loaders
// (transformers.js, our ORT backend) find the sizes under both GPT-2 and generic names.
import { LN_EPS, validateConfig, type ModelConfig } from '../config.ts';

export interface HfConfigExtra {
  bosTokenId?: number;
  eosTokenId?: number | number[];
  padTokenId?: number;
  /** any further fields, merged last */
  [key: string]: unknown;
}

export function exportHfConfig(config: ModelConfig, extra: HfConfigExtra = {}): Record<string, unknown> {
  validateConfig(config);
  const { bosTokenId, eosTokenId, padTokenId, ...rest } = extra;
  const C = config.nEmbd;
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: config.vocabSize,
    n_embd: C,
    n_layer: config.nLayer,
    n_head: config.nHead,
    n_positions: config.blockSize,
    n_ctx: config.blockSize,
    n_inner: 4 * C,
    hidden_size: C,
    num_hidden_layers: config.nLayer,
    num_attention_heads: config.nHead,
    num_key_value_heads: config.nHead,
    head_dim: C / config.nHead,
    max_position_embeddings: config.blockSize,
    activation_function: 'gelu_new',
    layer_norm_epsilon: LN_EPS,
    tie_word_embeddings: true,
    use_cache: true,
    ...(bosTokenId !== undefined ? { bos_token_id: bosTokenId } : {}),
    ...(eosTokenId !== undefined ? { eos_token_id: eosTokenId } : {}),
    ...(padTokenId !== undefined ? { pad_token_id: padTokenId } : {}),
    ...rest,
  };
}

export function exportGenerationConfig(opts: {
  bosTokenId?: number; eosTokenId?: number | number[]; padTokenId?: number; maxLength?: number;
} = {}): Record<string, unknown> {
  return {
    ...(opts.bosTokenId !== undefined ? { bos_token_id: opts.bosTokenId } : {}),
    ...(opts.eosTokenId !== undefined ? { eos_token_id: opts.eosTokenId } : {}),
    ...(opts.padTokenId !== undefined ? { pad_token_id: opts.padTokenId } : {}),
    ...(opts.maxLength !== undefined ? { max_length: opts.maxLength } : {}),
    do_sample: false,
  };
}
