// The toy transformer's configuration and flat parameter layout (GPT-2 as in llm.c).
//
// Size letters used throughout src/engine and its shaders (llm.c's legend):
//   B batch, T time (sequence), C channels (nEmbd), V vocab, L layers, NH heads, HS = C / NH.
// Linear layers compute out = inp @ W^T + b with W stored [OC, C] (llm.c's matmul convention).

export interface ModelConfig {
  /** number of token ids (the task's vocabulary) */
  vocabSize: number;
  /** maximum sequence length (position embeddings) */
  blockSize: number;
  /** transformer blocks */
  nLayer: number;
  /** attention heads; nEmbd must be divisible by it */
  nHead: number;
  /** residual width C */
  nEmbd: number;
}

/** LayerNorm epsilon, as in GPT-2 / llm.c. */
export const LN_EPS = 1e-5;

/** Parameter tensors in storage order; all live in one flat Float32Array. */
export const PARAM_NAMES = [
  'wte', // [V, C] token embedding, also the (tied) output head
  'wpe', // [maxT, C]
  'ln1w', 'ln1b', // [L, C]
  'qkvw', 'qkvb', // [L, 3C, C], [L, 3C]   rows: q (C), k (C), v (C); heads are contiguous HS-slices
  'attprojw', 'attprojb', // [L, C, C], [L, C]
  'ln2w', 'ln2b', // [L, C]
  'fcw', 'fcb', // [L, 4C, C], [L, 4C]
  'fcprojw', 'fcprojb', // [L, C, 4C], [L, C]
  'lnfw', 'lnfb', // [C]
] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

export function paramShapes(c: ModelConfig): Record<ParamName, number[]> {
  const { vocabSize: V, blockSize: maxT, nLayer: L, nEmbd: C } = c;
  return {
    wte: [V, C], wpe: [maxT, C],
    ln1w: [L, C], ln1b: [L, C],
    qkvw: [L, 3 * C, C], qkvb: [L, 3 * C],
    attprojw: [L, C, C], attprojb: [L, C],
    ln2w: [L, C], ln2b: [L, C],
    fcw: [L, 4 * C, C], fcb: [L, 4 * C],
    fcprojw: [L, C, 4 * C], fcprojb: [L, C],
    lnfw: [C], lnfb: [C],
  };
}

export interface ParamLayout {
  offsets: Record<ParamName, number>;
  sizes: Record<ParamName, number>;
  total: number;
}

export function paramLayout(c: ModelConfig): ParamLayout {
  validateConfig(c);
  const shapes = paramShapes(c);
  const offsets = {} as Record<ParamName, number>;
  const sizes = {} as Record<ParamName, number>;
  let total = 0;
  for (const name of PARAM_NAMES) {
    offsets[name] = total;
    sizes[name] = shapes[name].reduce((a, b) => a * b, 1);
    total += sizes[name];
  }
  return { offsets, sizes, total };
}

export function validateConfig(c: ModelConfig): void {
  for (const k of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`ModelConfig.${k} must be a positive integer, got ${v}`);
  }
  if (c.nEmbd % c.nHead !== 0) {
    throw new RangeError(`ModelConfig.nEmbd (${c.nEmbd}) must be divisible by nHead (${c.nHead})`);
  }
}
