// Runners for GELU, tanh approximation (shaders/engine_gelu.wgsl).
import { GELU_KERNEL } from '../../../gpu/kernels/engine.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const { WG } = GELU_KERNEL.overrides;

/** out [N] = gelu(inp). */
export function geluForward(rec: Recorder, out: GpuTensor, inp: GpuTensor, N: number): void {
  rec.dispatch(GELU_KERNEL, 'forward', { inp: inp.buf, outp: out.buf, dout: null },
    { N, inpOff: inp.off, outOff: out.off, doutOff: 0 }, grid(N, WG));
}

/** dinp [N] = gelu'(inp) · dout (overwritten). */
export function geluBackward(rec: Recorder, dinp: GpuTensor, dout: GpuTensor, inp: GpuTensor, N: number): void {
  rec.dispatch(GELU_KERNEL, 'backward', { inp: inp.buf, outp: dinp.buf, dout: dout.buf },
    { N, inpOff: inp.off, outOff: dinp.off, doutOff: dout.off }, grid(N, WG));
}
