// Runners for GELU, tanh approximation (shaders/engine_gelu.wgsl).
import geluSrc from '../../../../shaders/engine_gelu.wgsl?raw';
import { grid, Uniforms, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const WG = 64;

/** out [N] = gelu(inp). */
export function geluForward(rec: Recorder, out: GpuTensor, inp: GpuTensor, N: number): void {
  const u = new Uniforms().u32(N, inp.off, out.off, 0);
  rec.dispatch(geluSrc, 'forward', [inp.buf, out.buf, null], u, grid(N, WG), { WG });
}

/** dinp [N] = gelu'(inp) · dout (overwritten). */
export function geluBackward(rec: Recorder, dinp: GpuTensor, dout: GpuTensor, inp: GpuTensor, N: number): void {
  const u = new Uniforms().u32(N, inp.off, dinp.off, dout.off);
  rec.dispatch(geluSrc, 'backward', [inp.buf, dinp.buf, dout.buf], u, grid(N, WG), { WG });
}
