// Where the LoRA adapters of a Llama-family model live: ONE flat f32 vector (and the same layout
// for its gradient and its AdamW moments m and v), so the engine's AdamW kernel steps it as it
// steps the toy's flat params, and a checkpoint is the adapters alone. Pure: runs in Node.
//
// Layout (PEFT's shapes, row-major, nn.Linear's [out, in] convention):
//   for layer l = 0 … L−1:
//     for target in LORA_TARGETS order (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj,
//     down_proj), those in target_modules only:
//       A [r, in]    (PEFT lora_A.weight)
//       B [out, r]   (PEFT lora_B.weight)
// with (in, out): q_proj (C, NH·HD), k_proj / v_proj (C, NKV·HD), o_proj (NH·HD, C),
// gate_proj / up_proj (C, I), down_proj (I, C). Every layer holds the same targets, so layer l's
// block starts at l · perLayer.
//
// The engine packs q|k|v and gate|up into one matmul each (src/engine/block.ts: qkvw, gateupw);
// a slot says which packed weight its target belongs to (`param`) and at which column of that
// linear's output its delta is added (`col`, in an output row of `outStride` columns).
//
// Initialisation (PEFT's default, init_lora_weights=True): A ~ kaiming_uniform(a = √5), i.e.
// U(−1/√in, 1/√in); B = 0, so a fresh adapter leaves the model exactly the base. Drawn from the
// project's PRNG (src/sampling/rng.ts): Rng(seed), slots in layout order, A row-major, each
// element (2·u − 1)/√in with u = rng.uniform().
import { Rng } from '../../sampling/rng.ts';
import type { LlamaParam } from '../block.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import { loraScaling, validateLoraConfig, type LoraConfig, type LoraTarget } from './loraConfig.ts';

export interface LoraSlot {
  layer: number;
  target: LoraTarget;
  /** in and out features of the adapted linear layer */
  inW: number;
  outW: number;
  /** element offsets of A [r, inW] and B [outW, r] in the flat vector */
  a: number;
  b: number;
  /** the engine's (packed) weight this target is part of */
  param: LlamaParam;
  /** first column of this target's output inside that linear's output rows */
  col: number;
  /** columns of that linear's output rows (the packed width) */
  outStride: number;
}

export interface LoraLayout {
  config: LoraConfig;
  r: number;
  /** s = α / r (α / √r with use_rslora) */
  scaling: number;
  slots: LoraSlot[];
  /** elements of one layer's adapters */
  perLayer: number;
  /** elements of the whole flat vector */
  total: number;
}

interface TargetShape { inW: number; outW: number; param: LlamaParam; col: number; outStride: number }

function targetShapes(c: LlamaConfig): Record<LoraTarget, TargetShape> {
  const { nEmbd: C, nHead: NH, nKvHead: NKV, headDim: HD, intermediateSize: I } = c;
  const QD = NH * HD, KVD = NKV * HD, W = QD + 2 * KVD;
  return {
    q_proj: { inW: C, outW: QD, param: 'qkvw', col: 0, outStride: W },
    k_proj: { inW: C, outW: KVD, param: 'qkvw', col: QD, outStride: W },
    v_proj: { inW: C, outW: KVD, param: 'qkvw', col: QD + KVD, outStride: W },
    o_proj: { inW: QD, outW: C, param: 'attprojw', col: 0, outStride: C },
    gate_proj: { inW: C, outW: I, param: 'gateupw', col: 0, outStride: 2 * I },
    up_proj: { inW: C, outW: I, param: 'gateupw', col: I, outStride: 2 * I },
    down_proj: { inW: I, outW: C, param: 'downw', col: 0, outStride: C },
  };
}

export function loraLayout(model: LlamaConfig, lora: LoraConfig): LoraLayout {
  const config = validateLoraConfig(lora);
  const { r } = config;
  const shapes = targetShapes(model);
  const slots: LoraSlot[] = [];
  let off = 0;
  for (let l = 0; l < model.nLayer; l++) {
    for (const target of config.target_modules) {
      const s = shapes[target];
      const a = off;
      const b = a + r * s.inW;
      off = b + s.outW * r;
      slots.push({ layer: l, target, inW: s.inW, outW: s.outW, a, b, param: s.param, col: s.col, outStride: s.outStride });
    }
  }
  return { config, r, scaling: loraScaling(config), slots, perLayer: model.nLayer > 0 ? off / model.nLayer : 0, total: off };
}

/** The slots of layer l that add into the linear of engine weight `param` (in layout order). */
export function slotsFor(layout: LoraLayout, l: number, param: string): LoraSlot[] {
  const n = layout.config.target_modules.length;
  return layout.slots.slice(l * n, (l + 1) * n).filter((s) => s.param === param);
}

/** Layer l's slot of `target`, or undefined when the target is not adapted. */
export function slotOf(layout: LoraLayout, l: number, target: LoraTarget): LoraSlot | undefined {
  return layout.slots.find((s) => s.layer === l && s.target === target);
}

/** Fresh adapters: A ~ U(−1/√in, 1/√in) from Rng(seed) (PEFT's kaiming_uniform, a = √5), B = 0. */
export function initLoraParams(layout: LoraLayout, seed: number): Float32Array {
  const out = new Float32Array(layout.total);
  const rng = new Rng(seed);
  for (const s of layout.slots) {
    const bound = 1 / Math.sqrt(s.inW);
    for (let i = 0; i < layout.r * s.inW; i++) out[s.a + i] = (2 * rng.uniform() - 1) * bound;
  }
  return out;
}

const MLP_TARGETS: readonly LoraTarget[] = ['gate_proj', 'up_proj', 'down_proj'];

/** The PEFT module path of a target ("self_attn.q_proj", "mlp.down_proj"). */
export function loraModulePath(target: LoraTarget): string {
  return `${MLP_TARGETS.includes(target) ? 'mlp' : 'self_attn'}.${target}`;
}

/**
 * The key PEFT saves this matrix under in adapter_model.safetensors (adapter name dropped, as
 * `save_pretrained` writes it), e.g. base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight.
 */
export function loraTensorName(layer: number, target: LoraTarget, which: 'A' | 'B'): string {
  return `base_model.model.model.layers.${layer}.${loraModulePath(target)}.lora_${which}.weight`;
}
