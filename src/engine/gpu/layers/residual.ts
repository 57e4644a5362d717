// Runner for the residual add (shaders/engine_residual.wgsl).
import { RESIDUAL_KERNEL } from '../../../gpu/kernels/engine.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

/** out [N] = inp1 + inp2. (Backward is the identity: callers pass the gradient buffer on.) */
export function residualForward(rec: Recorder, out: GpuTensor, inp1: GpuTensor, inp2: GpuTensor, N: number): void {
  rec.dispatch(RESIDUAL_KERNEL, 'main', { inp1: inp1.buf, inp2: inp2.buf, outp: out.buf },
    { N, off1: inp1.off, off2: inp2.off, outOff: out.off }, grid(N, RESIDUAL_KERNEL.overrides.WG));
}
