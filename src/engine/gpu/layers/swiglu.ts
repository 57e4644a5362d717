// Runners for the SwiGLU gate of the Llama MLP (shaders/engine_swiglu*.wgsl): out = silu(gate) · up
// on rows of width I, gate/up/out each with an offset and a row stride (the halves of a fused
// [N, 2I] projection, or separate tensors).
import { SWIGLU_BACKWARD_KERNEL, SWIGLU_KERNEL } from '../../../gpu/kernels/llama.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';
import { strideOf, type Rows } from './rows.ts';

/** out [N,I] = silu(gate) · up; out needs a buffer other than gate's and up's. */
export function swigluForward(
  rec: Recorder, out: GpuTensor | Rows, gate: GpuTensor | Rows, up: GpuTensor | Rows, N: number, I: number,
): void {
  if (out.buf === gate.buf || out.buf === up.buf) throw new RangeError('swigluForward: out needs a buffer other than gate\'s and up\'s');
  rec.dispatch(SWIGLU_KERNEL, 'main', { gate: gate.buf, up: up.buf, outp: out.buf }, {
    N, I, gateOff: gate.off, gateStride: strideOf(gate, I), upOff: up.off, upStride: strideOf(up, I),
    outOff: out.off, outStride: strideOf(out, I),
  }, grid(N * I, SWIGLU_KERNEL.overrides.WG));
}

/** dgate, dup [N,I] (overwritten; one buffer, e.g. the gradient of a fused [N, 2I] projection) from dout. */
export function swigluBackward(
  rec: Recorder, dgate: GpuTensor | Rows, dup: GpuTensor | Rows, dout: GpuTensor | Rows, gate: GpuTensor | Rows, up: GpuTensor | Rows,
  N: number, I: number,
): void {
  if (dgate.buf !== dup.buf) throw new RangeError('swigluBackward: dgate and dup must live in one buffer');
  if ([dout, gate, up].some((t) => t.buf === dgate.buf)) throw new RangeError('swigluBackward: dgate/dup need a buffer other than dout\'s, gate\'s and up\'s');
  rec.dispatch(SWIGLU_BACKWARD_KERNEL, 'main', { dout: dout.buf, gate: gate.buf, up: up.buf, dgu: dgate.buf }, {
    N, I, doutOff: dout.off, doutStride: strideOf(dout, I), gateOff: gate.off, gateStride: strideOf(gate, I),
    upOff: up.off, upStride: strideOf(up, I), dgateOff: dgate.off, dgateStride: strideOf(dgate, I), dupOff: dup.off,
    dupStride: strideOf(dup, I),
  }, grid(N * I, SWIGLU_BACKWARD_KERNEL.overrides.WG));
}
