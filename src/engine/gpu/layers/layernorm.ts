// Runners for LayerNorm (shaders/engine_layernorm*.wgsl).
import forwardSrc from '../../../../shaders/engine_layernorm.wgsl?raw';
import backwardSrc from '../../../../shaders/engine_layernorm_backward.wgsl?raw';
import { LN_EPS } from '../../config.ts';
import { grid, Uniforms, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const WG = 64;

/** out [N,C], mean/rstd [N] (same offset) = LayerNorm(inp) with weight/bias at wOff/bOff in params. */
export function layernormForward(
  rec: Recorder, out: GpuTensor, mean: GpuTensor, rstd: GpuTensor, inp: GpuTensor,
  params: GPUBuffer, wOff: number, bOff: number, N: number, C: number,
): void {
  if (mean.off !== rstd.off) throw new RangeError('layernormForward: mean and rstd must share an offset');
  const u = new Uniforms().u32(N, C, wOff, bOff, inp.off, out.off, mean.off).f32(LN_EPS);
  rec.dispatch(forwardSrc, 'main', [params, inp.buf, out.buf, mean.buf, rstd.buf], u, grid(N, WG), { WG });
}

/**
 * dinp [N,C] = (accumulate ? dinp + : ) ∂/∂inp; dweight, dbias [C] (in one grads buffer) += ∂/∂weight, ∂/∂bias.
 * `accumulate` joins the residual stream's two consumers (the LayerNorm and the residual add).
 */
export function layernormBackward(
  rec: Recorder, dinp: GpuTensor, dweight: GpuTensor, dbias: GpuTensor, dout: GpuTensor, inp: GpuTensor,
  weight: GpuTensor, mean: GpuTensor, rstd: GpuTensor, N: number, C: number, accumulate: boolean,
): void {
  if (mean.off !== rstd.off) throw new RangeError('layernormBackward: mean and rstd must share an offset');
  if (dweight.buf !== dbias.buf) throw new RangeError('layernormBackward: dweight and dbias must live in one grads buffer');
  const u = () => new Uniforms().u32(N, C, weight.off, dweight.off, dbias.off, dinp.off, dout.off, inp.off, mean.off, accumulate ? 1 : 0);
  rec.dispatch(backwardSrc, 'dinp_main', [dinp.buf, null, weight.buf, dout.buf, inp.buf, mean.buf, rstd.buf], u(), grid(N, WG), { WG });
  rec.dispatch(backwardSrc, 'dparams_main', [null, dweight.buf, null, dout.buf, inp.buf, mean.buf, rstd.buf], u(), [Math.ceil(C / WG)], { WG });
}
