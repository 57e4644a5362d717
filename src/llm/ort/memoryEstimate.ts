// Before a download: weights + KV-cache bytes against what the backend can hold, so a model too
// big for this tab is refused with the numbers instead of crashing out of memory. Pure.
import type { OrtDtype } from './dtypeChoice.ts';

/** onnxruntime-web runs in 32-bit WebAssembly: one heap of at most 4 GiB holds the graph while a session is created. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;
/** Context the estimate assumes for the KV cache (prompt + CoT + probes), when the model allows that many. */
export const ESTIMATE_CONTEXT_TOKENS = 4096;

/** Bytes per weight of each dtype (4-bit ones with their per-block scales, roughly). */
const WEIGHT_BYTES: Record<OrtDtype, number> = { fp32: 4, fp16: 2, q4: 0.5625, q4f16: 0.5625, q8: 1, int8: 1, uint8: 1, bnb4: 0.5625 };

export interface MemoryEstimate {
  /** Weight files' bytes (ONNX + external data) from the listing. */
  weightBytes: number;
  kvBytes: number;
  contextTokens: number;
  /** The embedding matrix [vocab, hidden] (usually the largest single tensor), when config.json says its shape. */
  embeddingBytes: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

export function estimateMemory(config: Record<string, unknown>, weightBytes: number, opts: { dtype: OrtDtype; kvBytesPerElement: number; contextTokens?: number }): MemoryEstimate {
  const layers = num(config.num_hidden_layers) ?? num(config.n_layer) ?? 0;
  const heads = num(config.num_attention_heads) ?? num(config.n_head) ?? 0;
  const kvHeads = num(config.num_key_value_heads) ?? heads;
  const hidden = num(config.hidden_size) ?? num(config.n_embd) ?? 0;
  const headDim = num(config.head_dim) ?? (heads > 0 ? hidden / heads : 0);
  const maxPos = num(config.max_position_embeddings) ?? Infinity;
  const contextTokens = Math.min(opts.contextTokens ?? ESTIMATE_CONTEXT_TOKENS, maxPos);
  const kvBytes = 2 * layers * kvHeads * headDim * contextTokens * opts.kvBytesPerElement;
  const vocab = num(config.vocab_size);
  const embeddingBytes = vocab !== null && hidden > 0 ? Math.ceil(vocab * hidden * WEIGHT_BYTES[opts.dtype]) : null;
  return { weightBytes, kvBytes, contextTokens, embeddingBytes };
}

export interface BackendLimits {
  backend: 'webgpu' | 'wasm';
  /** GPUAdapter.limits.maxBufferSize (WebGPU). */
  maxBufferSize?: number;
}

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

/** Null when the model should fit; else the reason it will not, with the numbers. */
export function refusalReason(est: MemoryEstimate, limits: BackendLimits, what: string): string | null {
  const onHeap = est.weightBytes + (limits.backend === 'wasm' ? est.kvBytes : 0);
  if (onHeap > WASM_HEAP_BYTES) {
    const parts = limits.backend === 'wasm' ? `weights ${gib(est.weightBytes)} + KV cache ${gib(est.kvBytes)} for ${est.contextTokens} tokens` : `weights ${gib(est.weightBytes)}`;
    return `${what} needs about ${gib(onHeap)} (${parts}), more than the 4 GiB that onnxruntime-web's WebAssembly memory can hold; pick a smaller dtype (q4) or a smaller model.`;
  }
  if (limits.backend === 'webgpu' && limits.maxBufferSize !== undefined && est.embeddingBytes !== null && est.embeddingBytes > limits.maxBufferSize) {
    return `${what}'s embedding matrix alone is about ${gib(est.embeddingBytes)}, more than this WebGPU adapter's largest buffer (maxBufferSize ${gib(limits.maxBufferSize)}); pick a smaller dtype or model.`;
  }
  return null;
}
