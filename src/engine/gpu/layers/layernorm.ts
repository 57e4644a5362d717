// Runners for LayerNorm (shaders/engine_layernorm*.wgsl).
import { LAYERNORM_BACKWARD_KERNEL, LAYERNORM_KERNEL } from '../../../gpu/kernels/engine.ts';
import { LN_EPS } from '../../config.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

/** out [N,C], mean/rstd [N] (same offset) = LayerNorm(inp) with weight/bias at wOff/bOff in params. */
export function layernormForward(
  rec: Recorder, out: GpuTensor, mean: GpuTensor, rstd: GpuTensor, inp: GpuTensor,
  params: GPUBuffer, wOff: number, bOff: number, N: number, C: number,
): void {
  if (mean.off !== rstd.off) throw new RangeError('layernormForward: mean and rstd must share an offset');
  rec.dispatch(LAYERNORM_KERNEL, 'main', { params, inp: inp.buf, outp: out.buf, mean: mean.buf, rstd: rstd.buf },
    { N, C, wOff, bOff, inpOff: inp.off, outOff: out.off, statOff: mean.off, eps: LN_EPS }, grid(N, LAYERNORM_KERNEL.overrides.WG));
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
  const u = {
    N, C, wOff: weight.off, dwOff: dweight.off, dbOff: dbias.off, dinpOff: dinp.off, doutOff: dout.off,
    inpOff: inp.off, statOff: mean.off, accumulate: accumulate ? 1 : 0,
  };
  const saved = { dout: dout.buf, inp: inp.buf, mean: mean.buf, rstd: rstd.buf };
  const { WG } = LAYERNORM_BACKWARD_KERNEL.overrides;
  rec.dispatch(LAYERNORM_BACKWARD_KERNEL, 'dinp_main', { dinp: dinp.buf, grads: null, params: weight.buf, ...saved }, u, grid(N, WG));
  rec.dispatch(LAYERNORM_BACKWARD_KERNEL, 'dparams_main', { dinp: null, grads: dweight.buf, params: null, ...saved }, u, [Math.ceil(C / WG)]);
}
