// Where a model's weights live on the GPU, as the passes see them: the embedding, an optional
// position table (the toy's wpe), the final norm, the LM head and every layer's block parameters
// (src/engine/block.ts BlockParam). The toy's are windows of its one flat f32 params buffer; the
// Llama family's are buffers filled from the hub's safetensors at their file precision
// (src/engine/hf/), with q|k|v and gate|up packed so one matmul computes each pair.
import { paramLayout, type ModelConfig } from '../config.ts';
import { toyLayerSize, type BlockParam } from '../block.ts';
import type { ParamName } from '../config.ts';
import { at, type GpuTensor } from './tensor.ts';

export interface EngineWeights {
  /** [V, C] token embedding */
  embed: GpuTensor;
  /** [maxT, C] learned position embedding (the toy's wpe), null for rotary models */
  positions: GpuTensor | null;
  /** final norm weight [C] and bias (LayerNorm) or null (RMSNorm) */
  finalNormW: GpuTensor;
  finalNormB: GpuTensor | null;
  /** [V, C] LM head (the embedding itself when tied) */
  head: GpuTensor;
  /** Layer l's parameter p; throws for one this model does not have. */
  layer(l: number, p: BlockParam): GpuTensor;
  /** GPU bytes held for weights (the buffers this object owns). */
  readonly bytes: number;
  destroy(): void;
}

/**
 * The toy's weights: windows of the flat params buffer — borrowed from a GpuModel (not destroyed
 * here), or owned (a LanguageModel's, destroyed with the weights).
 */
export function toyWeights(config: ModelConfig, params: GPUBuffer, owned = false): EngineWeights {
  const layout = paramLayout(config);
  const o = layout.offsets;
  return {
    embed: at(params, o.wte),
    positions: at(params, o.wpe),
    finalNormW: at(params, o.lnfw),
    finalNormB: at(params, o.lnfb),
    head: at(params, o.wte),
    layer(l, p) {
      const name = p as ParamName;
      if (!(name in o)) throw new RangeError(`the toy model has no parameter ${p}`);
      return at(params, o[name] + l * toyLayerSize(config, name));
    },
    bytes: layout.total * 4,
    destroy() {
      if (owned) params.destroy();
    },
  };
}

/** Weights held in named buffers (the Llama family's), destroyed with them. */
export class BufferWeights implements EngineWeights {
  embed: GpuTensor;
  positions: GpuTensor | null = null;
  finalNormW: GpuTensor;
  finalNormB: GpuTensor | null = null;
  head: GpuTensor;
  private readonly layers: Map<BlockParam, GpuTensor>[];
  private readonly owned: GPUBuffer[];

  constructor(parts: { embed: GpuTensor; finalNormW: GpuTensor; head: GpuTensor; layers: Map<BlockParam, GpuTensor>[]; owned: GPUBuffer[] }) {
    this.embed = parts.embed;
    this.finalNormW = parts.finalNormW;
    this.head = parts.head;
    this.layers = parts.layers;
    this.owned = parts.owned;
  }

  layer(l: number, p: BlockParam): GpuTensor {
    const t = this.layers[l]?.get(p);
    if (!t) throw new RangeError(`layer ${l} has no parameter ${p}`);
    return t;
  }

  get bytes(): number {
    return this.owned.reduce((s, b) => s + b.size, 0);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
  }
}
