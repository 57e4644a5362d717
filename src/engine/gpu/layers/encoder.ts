// Runners for the token + position embedding (shaders/engine_encoder_*.wgsl).
import forwardSrc from '../../../../shaders/engine_encoder_forward.wgsl?raw';
import backwardSrc from '../../../../shaders/engine_encoder_backward.wgsl?raw';
import { grid, Uniforms, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const WG = 64;

/** out [N,C] = wte[tokens] + wpe[positions]; wte/wpe are element offsets into `params`. */
export function encoderForward(
  rec: Recorder, out: GpuTensor, tokens: GPUBuffer, positions: GPUBuffer,
  params: GPUBuffer, wteOff: number, wpeOff: number, N: number, C: number,
): void {
  const u = new Uniforms().u32(N, C, wteOff, wpeOff, out.off);
  rec.dispatch(forwardSrc, 'main', [params, tokens, positions, out.buf], u, grid(N * C, WG), { WG });
}

/** grads[gOff + v·C + c] += Σ_{r: ids[r] = v} dout[r, c] for v < rows (call once for wte, once for wpe). */
export function embeddingBackward(
  rec: Recorder, grads: GPUBuffer, gOff: number, dout: GpuTensor, ids: GPUBuffer,
  N: number, rows: number, C: number,
): void {
  const u = new Uniforms().u32(N, C, rows, gOff, dout.off);
  rec.dispatch(backwardSrc, 'main', [grads, dout.buf, ids], u, grid(rows * C, WG), { WG });
}
