// Runners for the LoRA delta of one linear layer (PEFT's LoRA: y = x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ) on the
// strided matmul (./matmul.ts stridedMatmul, shaders/engine_matmul*.wgsl): the delta is added into
// columns [col, col + outW) of output rows `stride` wide — `y` points at the first of them — so
// q in q|k|v or up in gate|up gets its own adapter. A [r, inW] and B [outW, r] are f32 views into
// the flat adapter buffer (src/engine/lora/loraLayout.ts); so are dA and dB in the gradient buffer.
// CPU reference: src/engine/cpu/layers/lora.ts loraForward / loraBackward.
import type { Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';
import { matmulForward, stridedMatmul, type MatmulVariant } from './matmul.ts';

export interface LoraShape { N: number; inW: number; outW: number; r: number; s: number; stride: number }

/** y[:, 0 … outW) (rows `stride` apart) += s·u·Bᵀ with u [N, r] = x·Aᵀ (written; kept for the backward). */
export function loraForward(
  rec: Recorder, y: GpuTensor, u: GpuTensor, x: GpuTensor, A: GpuTensor, B: GpuTensor, sh: LoraShape, variant?: MatmulVariant,
): void {
  const { N, inW, outW, r, s, stride } = sh;
  matmulForward(rec, u, x, A, null, N, inW, r, { variant });
  matmulForward(rec, y, u, B, null, N, r, outW, { accumulate: true, outStride: stride, scale: s, variant });
}

/**
 * du [N, r] = s·dy·B (scratch), dB [outW, r] += s·dyᵀ·u, dA [r, inW] += duᵀ·x, dx [N, inW] += du·A,
 * with dy the columns [0, outW) of rows `stride` apart (the gradient of the packed output).
 */
export function loraBackward(
  rec: Recorder, dx: GpuTensor, dA: GpuTensor, dB: GpuTensor, du: GpuTensor, dy: GpuTensor,
  x: GpuTensor, u: GpuTensor, A: GpuTensor, B: GpuTensor, sh: LoraShape, variant?: MatmulVariant,
): void {
  const { N, inW, outW, r, s, stride } = sh;
  if (du.buf === dy.buf || du.buf === u.buf) throw new RangeError('loraBackward: du needs a buffer of its own');
  const dw = variant === 'gemv' || variant === 'gemv-subgroup' ? 'tiled' : variant; // reductions over rows are not GEMVs
  stridedMatmul(rec, du, { t: dy, sRow: stride, sCol: 1 }, { t: B, sRow: r, sCol: 1 }, null, N, r, outW, false, { scale: s, variant: dw });
  stridedMatmul(rec, dB, { t: dy, sRow: 1, sCol: stride }, { t: u, sRow: r, sCol: 1 }, null, outW, r, N, true, { scale: s, variant: dw });
  stridedMatmul(rec, dA, { t: du, sRow: 1, sCol: r }, { t: x, sRow: inW, sCol: 1 }, null, r, inW, N, true, { variant: dw });
  stridedMatmul(rec, dx, { t: du, sRow: r, sCol: 1 }, { t: A, sRow: inW, sCol: 1 }, null, N, inW, r, true, { variant: dw });
}
