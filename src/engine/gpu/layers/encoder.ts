// Runners for the token + position embedding (shaders/engine_encoder_*.wgsl).
import { ENCODER_BACKWARD_KERNEL, ENCODER_FORWARD_KERNEL } from '../../../gpu/kernels/engine.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

/** out [N,C] = wte[tokens] + wpe[positions]; wte/wpe are element offsets into `params`. */
export function encoderForward(
  rec: Recorder, out: GpuTensor, tokens: GPUBuffer, positions: GPUBuffer,
  params: GPUBuffer, wteOff: number, wpeOff: number, N: number, C: number,
): void {
  rec.dispatch(ENCODER_FORWARD_KERNEL, 'main', { params, tokens, positions, outp: out.buf },
    { N, C, wteOff, wpeOff, outOff: out.off }, grid(N * C, ENCODER_FORWARD_KERNEL.overrides.WG));
}

/** grads[gOff + v·C + c] += Σ_{r: ids[r] = v} dout[r, c] for v < rows (call once for wte, once for wpe). */
export function embeddingBackward(
  rec: Recorder, grads: GPUBuffer, gOff: number, dout: GpuTensor, ids: GPUBuffer,
  N: number, rows: number, C: number,
): void {
  rec.dispatch(ENCODER_BACKWARD_KERNEL, 'main', { grads, dout: dout.buf, ids },
    { N, C, rows, gOff, doutOff: dout.off }, grid(rows * C, ENCODER_BACKWARD_KERNEL.overrides.WG));
}
