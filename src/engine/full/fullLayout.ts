// Where every weight of a Llama-family model lives when all of them train (full fine-tuning): ONE
// flat f32 vector, with the same layout for its gradient and AdamW's m and v, so the engine's AdamW
// kernel steps it as it steps the toy's flat params. Pure: runs in Node.
//
// Layout (the engine's packed tensors, src/engine/block.ts; row-major, [out, in] for linears):
//   embed [V, C]; head [V, C] (untied only: a tied head IS the embedding, one tensor, one gradient);
//   for l: the layer's matrices (qkvw [QD + 2·KVD, C], attprojw [C, QD], gateupw [2·I, C], downw [C, I]);
//   for l: the layer's vectors (norm weights ln1w, ln2w [C], q/k norms [HD], biases qkvb, attprojb);
//   the final norm [C].
// Matrices come first so weight decay (matrices only, as the toy's DECAYED_PARAMS: no norms, no
// biases) is one range [0, decayEnd).
import { blockSteps, type BlockParam } from '../block.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import type { CpuWeights } from '../cpu/forward.ts';

export interface FullTensor {
  /** 'embed', 'head', 'finalNorm', or `layers.<l>.<param>` */
  name: string;
  /** the layer (−1: embed, head, finalNorm) and the block parameter */
  layer: number;
  param: BlockParam | null;
  /** [rows, cols] (a vector is one row) */
  rows: number;
  cols: number;
  /** element offset in the flat vector */
  off: number;
}

export interface FullLayout {
  tensors: FullTensor[];
  byName: ReadonlyMap<string, FullTensor>;
  /** elements of the flat vector */
  total: number;
  /** weight decay applies to [0, decayEnd) (the matrices) */
  decayEnd: number;
  /** the head is the embedding (tie_word_embeddings) */
  tied: boolean;
}

/** One layer's weights as the block's steps read them: [param, rows, cols, matrix?]. */
function layerParams(c: LlamaConfig): [BlockParam, number, number, boolean][] {
  const out: [BlockParam, number, number, boolean][] = [];
  const seen = new Set<BlockParam>();
  const add = (p: BlockParam, rows: number, cols: number, matrix: boolean) => {
    if (!seen.has(p)) { seen.add(p); out.push([p, rows, cols, matrix]); }
  };
  for (const s of blockSteps(c)) {
    if (s.op === 'linear') {
      add(s.w, s.outW, s.inW, true);
      if (s.b) add(s.b, 1, s.outW, false);
    } else if (s.op === 'rmsnorm') add(s.w, 1, c.nEmbd, false);
    else if (s.op === 'headnorm') add(s.w, 1, s.view.headDim, false);
  }
  return out;
}

export function fullLayout(c: LlamaConfig): FullLayout {
  const tensors: FullTensor[] = [];
  let off = 0;
  const push = (name: string, layer: number, param: BlockParam | null, rows: number, cols: number) => {
    tensors.push({ name, layer, param, rows, cols, off });
    off += rows * cols;
  };
  const V = c.vocabSize, C = c.nEmbd;
  const params = layerParams(c);
  push('embed', -1, null, V, C);
  if (!c.tieWordEmbeddings) push('head', -1, null, V, C);
  for (let l = 0; l < c.nLayer; l++) for (const [p, r, k, m] of params) if (m) push(`layers.${l}.${p}`, l, p, r, k);
  const decayEnd = off;
  for (let l = 0; l < c.nLayer; l++) for (const [p, r, k, m] of params) if (!m) push(`layers.${l}.${p}`, l, p, r, k);
  push('finalNorm', -1, null, 1, C);
  return { tensors, byName: new Map(tensors.map((t) => [t.name, t])), total: off, decayEnd, tied: c.tieWordEmbeddings };
}

/** The tensor of layer l's parameter p, or the global one named (embed, head — the embedding when tied —, finalNorm). */
export function fullTensor(layout: FullLayout, name: 'embed' | 'head' | 'finalNorm' | { layer: number; param: BlockParam }): FullTensor {
  const key = typeof name === 'string' ? (name === 'head' && layout.tied ? 'embed' : name) : `layers.${name.layer}.${name.param}`;
  const t = layout.byName.get(key);
  if (!t) throw new RangeError(`the full layout has no tensor ${key}`);
  return t;
}

/** A flat vector in this layout seen as CPU weights (subarray views: writing them writes the vector). */
export function fullCpuView(layout: FullLayout, flat: Float64Array): CpuWeights {
  const view = (t: FullTensor) => flat.subarray(t.off, t.off + t.rows * t.cols);
  return {
    embed: view(fullTensor(layout, 'embed')),
    positions: null,
    finalNormW: view(fullTensor(layout, 'finalNorm')),
    finalNormB: null,
    head: view(fullTensor(layout, 'head')),
    layer: (l, p) => view(fullTensor(layout, { layer: l, param: p })),
  };
}
