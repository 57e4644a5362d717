// Runners for rotary position embeddings (shaders/engine_rotary.wgsl), in place on [N, H, HD] rows
// (q or k inside a packed buffer: give its row stride), with the cos/sin table of src/engine/rope.ts.
import { ROTARY_KERNEL } from '../../../gpu/kernels/llama.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';
import { requireF32, strideOf, type Rows } from './rows.ts';

function rotate(
  rec: Recorder, x: GpuTensor | Rows, positions: GPUBuffer, table: GpuTensor, N: number, H: number, HD: number, P: number, sign: 1 | -1,
): void {
  if (HD % 2 !== 0) throw new RangeError(`rotary: head dim must be even, got ${HD}`);
  requireF32(table, 'rotary: the cos/sin table');
  if (x.buf === table.buf) throw new RangeError('rotary: x and the table need separate buffers');
  rec.dispatch(ROTARY_KERNEL, 'main', { x: x.buf, positions, table: table.buf },
    { N, H, HD, xOff: x.off, xStride: strideOf(x, H * HD), P, tabOff: table.off, sign },
    grid((N * H * HD) / 2, ROTARY_KERNEL.overrides.WG));
}

/** x [N,H,HD] rotated in place by positions [N] (i32; each < P) with table [2,P,HD/2] (cos, sin). */
export function rotaryForward(
  rec: Recorder, x: GpuTensor | Rows, positions: GPUBuffer, table: GpuTensor, N: number, H: number, HD: number, P: number,
): void {
  rotate(rec, x, positions, table, N, H, HD, P, 1);
}

/** dx [N,H,HD] in place: the gradient through the rotation (its transpose, the angle negated). */
export function rotaryBackward(
  rec: Recorder, dx: GpuTensor | Rows, positions: GPUBuffer, table: GpuTensor, N: number, H: number, HD: number, P: number,
): void {
  rotate(rec, dx, positions, table, N, H, HD, P, -1);
}
