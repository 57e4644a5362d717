// Runners for linear layers on the strided register-tiled matmul (shaders/engine_matmul.wgsl) and the bias
// gradient (shaders/engine_bias_backward.wgsl). W is stored [OC, C]; out = inp @ W^T + b.
import matmulSrc from '../../../../shaders/engine_matmul.wgsl?raw';
import biasSrc from '../../../../shaders/engine_bias_backward.wgsl?raw';
import { Uniforms, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const WG_X = 8;
const WG_Y = 8;
const R = 4; // outputs per thread per axis (engine_matmul.wgsl)
const WG = 64;

interface Operand { t: GpuTensor; sRow: number; sCol: number }

/** outp[M,N] (= or +=) A[M,K] @ B[K,N] (+ bias[N]); A and B given by strides. */
function stridedMatmul(
  rec: Recorder, out: GpuTensor, a: Operand, b: Operand, bias: GpuTensor | null,
  M: number, N: number, K: number, accumulate: boolean,
): void {
  const u = new Uniforms().u32(
    M, N, K, a.t.off, a.sRow, a.sCol, b.t.off, b.sRow, b.sCol,
    out.off, bias ? bias.off : 0, bias ? 1 : 0, accumulate ? 1 : 0,
  );
  const biasBuf = bias ? bias.buf : a.t.buf; // unused binding still needs a readable buffer
  rec.dispatch(matmulSrc, 'main', [a.t.buf, b.t.buf, out.buf, biasBuf], u, [Math.ceil(N / (R * WG_X)), Math.ceil(M / (R * WG_Y))], { WG_X, WG_Y });
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
    const u = new Uniforms().u32(N, OC, dbias.off, dout.off);
    rec.dispatch(biasSrc, 'main', [dbias.buf, dout.buf], u, [Math.ceil(OC / WG)], { WG });
  }
}
