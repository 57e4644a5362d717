// Runners for linear layers on the strided register-tiled matmul (shaders/engine_matmul.wgsl) and the bias
// gradient (shaders/engine_bias_backward.wgsl). W is stored [OC, C]; out = inp @ W^T + b.
import { BIAS_BACKWARD_KERNEL, MATMUL_KERNEL } from '../../../gpu/kernels/engine.ts';
import type { Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const { R } = MATMUL_KERNEL.constants;
const { WG_X, WG_Y } = MATMUL_KERNEL.overrides;

interface Operand { t: GpuTensor; sRow: number; sCol: number }

/** outp[M,N] (= or +=) A[M,K] @ B[K,N] (+ bias[N]); A and B given by strides. */
function stridedMatmul(
  rec: Recorder, out: GpuTensor, a: Operand, b: Operand, bias: GpuTensor | null,
  M: number, N: number, K: number, accumulate: boolean,
): void {
  rec.dispatch(MATMUL_KERNEL, 'main', {
    a: a.t.buf, b: b.t.buf, outp: out.buf,
    bias: bias ? bias.buf : a.t.buf, // unused binding still needs a readable buffer
  }, {
    M, N, K, aOff: a.t.off, aSm: a.sRow, aSk: a.sCol, bOff: b.t.off, bSk: b.sRow, bSn: b.sCol,
    outOff: out.off, biasOff: bias ? bias.off : 0, hasBias: bias ? 1 : 0, accumulate: accumulate ? 1 : 0,
  }, [Math.ceil(N / (R * WG_X)), Math.ceil(M / (R * WG_Y))]);
}

/** out [N,OC] = inp [N,C] @ weight[OC,C]^T + bias[OC] (N = B·T rows). */
export function matmulForward(
  rec: Recorder, out: GpuTensor, inp: GpuTensor, weight: GpuTensor, bias: GpuTensor | null,
  N: number, C: number, OC: number,
): void {
  stridedMatmul(rec, out, { t: inp, sRow: C, sCol: 1 }, { t: weight, sRow: 1, sCol: C }, bias, N, OC, C, false);
}

/** dinp [N,C] = dout @ W (overwritten); dweight [OC,C] += dout^T @ inp; dbias [OC] += Σ_r dout (if given). */
export function matmulBackward(
  rec: Recorder, dinp: GpuTensor, dweight: GpuTensor, dbias: GpuTensor | null,
  dout: GpuTensor, inp: GpuTensor, weight: GpuTensor, N: number, C: number, OC: number,
): void {
  stridedMatmul(rec, dinp, { t: dout, sRow: OC, sCol: 1 }, { t: weight, sRow: C, sCol: 1 }, null, N, C, OC, false);
  stridedMatmul(rec, dweight, { t: dout, sRow: 1, sCol: OC }, { t: inp, sRow: C, sCol: 1 }, null, OC, C, N, true);
  if (dbias) {
    rec.dispatch(BIAS_BACKWARD_KERNEL, 'main', { grads: dbias.buf, dout: dout.buf },
      { N, OC, gOff: dbias.off, doutOff: dout.off }, [Math.ceil(OC / BIAS_BACKWARD_KERNEL.overrides.WG)]);
  }
}
