// What the engine's passes (GPU and the CPU reference) read of a LoRA layout: slots (where each
// adapter's A and B live in the flat vector, where its delta adds into a linear's output), rank and
// scaling. ./lora/loraLayout.ts's LoraLayout satisfies it structurally, so engine/lora builds on
// engine/gpu and engine/cpu and not the reverse (no folder cycle).
export interface LoraSlotView {
  layer: number;
  /** the engine's (packed) weight the adapted target is part of */
  param: string;
  inW: number;
  outW: number;
  /** element offsets of A [r, inW] and B [outW, r] */
  a: number;
  b: number;
  /** first column of the target's output inside the linear's output rows, and their width */
  col: number;
  outStride: number;
}

export interface LoraLayoutView {
  r: number;
  scaling: number;
  /** in layout order: layer by layer, targets in a fixed order within a layer */
  slots: readonly LoraSlotView[];
}

/** Layer l's slots on the linear of weight `param`, in layout order (as lora/loraLayout.ts slotsFor). */
export function loraSlotsFor(layout: LoraLayoutView, l: number, param: string): LoraSlotView[] {
  return layout.slots.filter((s) => s.layer === l && s.param === param);
}
