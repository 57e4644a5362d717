// Runners for the token (+ position) embedding and its backward (shaders/engine_encoder_*.wgsl).
import { ENCODER_BACKWARD_KERNEL, ENCODER_FORWARD_KERNEL } from '../../../gpu/kernels/engine.ts';
import { grid, type Recorder } from '../encoding.ts';
import { at, WEIGHT_DTYPE_CODE, type GpuTensor } from '../tensor.ts';

/**
 * out [N,C] = wte[tokens] (+ wpe[positions] when wpe is given). wte may be a hub weight kept at file
 * precision (f16 / bf16, read in place); wpe is f32 (the Llama family has none: wpe and positions null).
 */
export function embeddingForward(
  rec: Recorder, out: GpuTensor, tokens: GPUBuffer, positions: GPUBuffer | null,
  wte: GpuTensor, wpe: GpuTensor | null, N: number, C: number,
): void {
  if (wpe && !positions) throw new TypeError('embeddingForward: a position embedding needs the positions buffer');
  if (wpe?.dtype && wpe.dtype !== 'f32') throw new TypeError(`embeddingForward: the position embedding must be f32, got ${wpe.dtype}`);
  if (out.dtype && out.dtype !== 'f32') throw new TypeError(`embeddingForward: the output must be f32, got ${out.dtype}`);
  const dt = WEIGHT_DTYPE_CODE[wte.dtype ?? 'f32'];
  rec.dispatch(ENCODER_FORWARD_KERNEL, 'main',
    { wte: wte.buf, wpe: wpe ? wpe.buf : wte.buf, tokens, positions: positions ?? tokens, outp: out.buf }, // unused: any read buffer
    { N, C, wteOff: wte.off, wpeOff: wpe ? wpe.off : 0, outOff: out.off, hasWpe: wpe ? 1 : 0 },
    grid(N * C, ENCODER_FORWARD_KERNEL.overrides.WG), dt ? { WDT: dt } : undefined);
}

/** The toy GPT's embedding: out [N,C] = wte[tokens] + wpe[positions], both element offsets into the f32 `params`. */
export function encoderForward(
  rec: Recorder, out: GpuTensor, tokens: GPUBuffer, positions: GPUBuffer,
  params: GPUBuffer, wteOff: number, wpeOff: number, N: number, C: number,
): void {
  embeddingForward(rec, out, tokens, positions, at(params, wteOff), at(params, wpeOff), N, C);
}

/** grads[gOff + v·C + c] += Σ_{r: ids[r] = v} dout[r, c] for v < rows (call once for wte, once for wpe). */
export function embeddingBackward(
  rec: Recorder, grads: GPUBuffer, gOff: number, dout: GpuTensor, ids: GPUBuffer,
  N: number, rows: number, C: number,
): void {
  rec.dispatch(ENCODER_BACKWARD_KERNEL, 'main', { grads, dout: dout.buf, ids },
    { N, C, rows, gOff, doutOff: dout.off }, grid(rows * C, ENCODER_BACKWARD_KERNEL.overrides.WG));
}
