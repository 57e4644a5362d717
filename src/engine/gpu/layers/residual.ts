// Runner for the residual add (shaders/engine_residual.wgsl).
import residualSrc from '../../../../shaders/engine_residual.wgsl?raw';
import { grid, Uniforms, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const WG = 64;

/** out [N] = inp1 + inp2. (Backward is the identity: callers pass the gradient buffer on.) */
export function residualForward(rec: Recorder, out: GpuTensor, inp1: GpuTensor, inp2: GpuTensor, N: number): void {
  const u = new Uniforms().u32(N, inp1.off, inp2.off, out.off);
  rec.dispatch(residualSrc, 'main', [inp1.buf, inp2.buf, out.buf], u, grid(N, WG), { WG });
}
