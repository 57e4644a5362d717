// LoRA settings with PEFT's names and defaults (peft.LoraConfig): `r`, `lora_alpha`,
// `target_modules`, `lora_dropout`, `use_rslora`. The adapted layer computes
//   y = x·Wᵀ + b + s · (x·Aᵀ)·Bᵀ,   A [r, in], B [out, r],   s = lora_alpha / r (α/√r with use_rslora)
// with the base W frozen at its file precision; only A and B are trained (./loraLayout.ts holds them).
// Pure: runs in Node.

/** The Llama family's linear layers LoRA may adapt, by their hub names (the canonical order of the layout). */
export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface LoraConfig {
  /** rank r of A [r, in] and B [out, r] (PEFT default 8) */
  r: number;
  /** α: the update is scaled by α / r (PEFT default 8) */
  lora_alpha: number;
  /** which linear layers get adapters (PEFT's default for llama / qwen2 / qwen3: q_proj, v_proj) */
  target_modules: LoraTarget[];
  /** dropout on the adapter's input: only 0 is supported (the training pass is deterministic) */
  lora_dropout: number;
  /** rank-stabilised LoRA: scale α / √r instead of α / r (PEFT default false) */
  use_rslora?: boolean;
}

/** PEFT's defaults (LoraConfig() with target_modules resolved for the Llama family). */
export const DEFAULT_LORA_CONFIG: Readonly<LoraConfig> = Object.freeze({
  r: 8, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'] as LoraTarget[], lora_dropout: 0, use_rslora: false,
});

/** s, the factor on B·A: α / r, or α / √r with use_rslora (PEFT LoraLayer.update_layer). */
export function loraScaling(c: Pick<LoraConfig, 'r' | 'lora_alpha' | 'use_rslora'>): number {
  return c.use_rslora ? c.lora_alpha / Math.sqrt(c.r) : c.lora_alpha / c.r;
}

/**
 * A checked copy: targets deduplicated and put in LORA_TARGETS order. Refuses, with the reason,
 * what the engine does not do (dropout > 0, unknown modules, no targets, a non-positive rank).
 */
export function validateLoraConfig(c: LoraConfig): LoraConfig {
  if (!Number.isInteger(c.r) || c.r <= 0) throw new RangeError(`LoRA r must be a positive integer, got ${c.r}`);
  if (!Number.isFinite(c.lora_alpha) || c.lora_alpha <= 0) throw new RangeError(`LoRA lora_alpha must be a positive number, got ${c.lora_alpha}`);
  if (c.lora_dropout !== 0) {
    throw new RangeError(`LoRA lora_dropout ${c.lora_dropout} is not supported: the engine trains adapters without dropout (set lora_dropout to 0)`);
  }
  if (!Array.isArray(c.target_modules) || c.target_modules.length === 0) {
    throw new RangeError(`LoRA target_modules must name at least one of ${LORA_TARGETS.join(', ')}`);
  }
  const unknown = c.target_modules.filter((t) => !(LORA_TARGETS as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw new RangeError(`LoRA target_modules ${unknown.map((t) => JSON.stringify(t)).join(', ')} unknown: the engine adapts ${LORA_TARGETS.join(', ')}`);
  }
  if (c.use_rslora !== undefined && typeof c.use_rslora !== 'boolean') throw new TypeError(`LoRA use_rslora must be a boolean, got ${String(c.use_rslora)}`);
  return {
    r: c.r, lora_alpha: c.lora_alpha, lora_dropout: 0, use_rslora: c.use_rslora ?? false,
    target_modules: LORA_TARGETS.filter((t) => c.target_modules.includes(t)),
  };
}
