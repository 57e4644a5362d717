// The flat f32 vector of ./fullLayout.ts on the GPU as the passes see weights (EngineWeights), and
// its first fill from a base held at file precision: every tensor is widened to f32 by the
// embedding kernel (shaders/engine_encoder_forward.wgsl), which decodes f32 / f16 / bf16 words —
// out[r, :] = W[ids[r], :] with ids = 0 … rows − 1 is a copy of W in f32. Nothing goes through the CPU.
import type { BlockParam } from '../block.ts';
import type { Recorder } from '../gpu/encoding.ts';
import { embeddingForward } from '../gpu/layers/encoder.ts';
import { at } from '../gpu/tensor.ts';
import type { EngineWeights } from '../gpu/weights.ts';
import { fullTensor, type FullLayout, type FullTensor } from './fullLayout.ts';

/** The tensors of `layout` inside `buf` (params, or their gradient); borrowed: destroy() frees nothing. */
export function fullWeightsView(layout: FullLayout, buf: GPUBuffer): EngineWeights {
  const t = (x: FullTensor) => at(buf, x.off);
  return {
    embed: t(fullTensor(layout, 'embed')),
    positions: null,
    finalNormW: t(fullTensor(layout, 'finalNorm')),
    finalNormB: null,
    head: t(fullTensor(layout, 'head')),
    layer: (l: number, p: BlockParam) => t(fullTensor(layout, { layer: l, param: p })),
    bytes: buf.size,
    destroy() {},
  };
}

/** The base's tensor that a layout tensor is filled from. */
function sourceOf(base: EngineWeights, t: FullTensor) {
  if (t.param) return base.layer(t.layer, t.param);
  return t.name === 'embed' ? base.embed : t.name === 'head' ? base.head : base.finalNormW;
}

/** Records dst (the layout's flat f32 vector) ← the base's weights, decoded; `ids` holds 0 … n − 1 (i32) for n ≥ every tensor's rows. */
export function recordBaseCopy(rec: Recorder, layout: FullLayout, base: EngineWeights, dst: GPUBuffer, ids: GPUBuffer): void {
  for (const t of layout.tensors) embeddingForward(rec, at(dst, t.off), ids, null, sourceOf(base, t), null, t.rows, t.cols);
}

/** Rows of the layout's tallest tensor (the ids buffer recordBaseCopy needs). */
export function maxRows(layout: FullLayout): number {
  return Math.max(...layout.tensors.map((t) => t.rows));
}
