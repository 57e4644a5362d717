// What the GPU passes read of a LoRA layout: slots (where each adapter's A and B live in the flat
// vector, and where its delta adds into a linear's output), rank and scaling. ../lora/loraLayout.ts's
// LoraLayout satisfies it structurally, so engine/lora builds on engine/gpu and not the reverse.
export interface GpuLoraSlot {
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

export interface GpuLoraLayout {
  r: number;
  scaling: number;
  /** in layout order: layer by layer, targets in a fixed order within a layer */
  slots: readonly GpuLoraSlot[];
}

/** Layer l's slots on the linear of weight `param`, in layout order (as lora/loraLayout.ts slotsFor). */
export function loraSlotsFor(layout: GpuLoraLayout, l: number, param: string): GpuLoraSlot[] {
  return layout.slots.filter((s) => s.layer === l && s.param === param);
}
