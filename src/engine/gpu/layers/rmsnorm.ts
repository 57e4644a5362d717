// Runners for RMSNorm (shaders/engine_rmsnorm*.wgsl): the hidden state's norm (H = 1) and Qwen3's
// per-head q/k norm (rows [N, H, HD] inside a packed buffer, in place). Variant per adapter
// (src/gpu/adapterProfile.ts): software = one thread per row, hardware = one workgroup per row.
import { RMSNORM_BACKWARD_KERNEL, RMSNORM_KERNEL } from '../../../gpu/kernels/llama.ts';
import { kernelProfile } from '../../../gpu/adapterProfile.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';
import { requireF32, strideOf, type Rows } from './rows.ts';

/** Workgroup of the hardware variant: 64 threads for rows up to 512 wide, else 256. */
const wgFor = (D: number) => (D > 512 ? 256 : 64);

/**
 * out = RMSNorm(inp) · weight over N·H rows of width D (row n·H + h at off + n·stride + h·D; stride
 * defaults to H·D), rstd [N·H] saved. inp and out may be the same rows of one buffer (in place).
 */
export function rmsnormForward(
  rec: Recorder, out: GpuTensor | Rows, rstd: GpuTensor, inp: GpuTensor | Rows, weight: GpuTensor,
  N: number, D: number, eps: number, H = 1,
): void {
  requireF32(weight, 'rmsnormForward: the norm weight');
  const inpStride = strideOf(inp, H * D), outStride = strideOf(out, H * D);
  const inPlace = inp.buf === out.buf;
  if (inPlace && (inp.off !== out.off || inpStride !== outStride)) {
    throw new RangeError('rmsnormForward: inp and out share a buffer but not their rows (in place needs the same offset and stride)');
  }
  if (rstd.buf === out.buf || rstd.buf === inp.buf) throw new RangeError('rmsnormForward: rstd needs its own buffer');
  const u = { N, H, D, inpOff: inp.off, inpStride, outOff: out.off, outStride, wOff: weight.off, rstdOff: rstd.off, eps };
  const buffers = { inp: inPlace ? null : inp.buf, outp: out.buf, weight: weight.buf, rstd: rstd.buf };
  const K = RMSNORM_KERNEL;
  if (kernelProfile(rec.ctx) === 'hardware') {
    rec.dispatch(K, inPlace ? 'wg_in_place' : 'wg_main', buffers, u, grid(N * H, 1), { WG: wgFor(D) });
  } else {
    rec.dispatch(K, inPlace ? 'rows_in_place' : 'rows_main', buffers, u, grid(N * H, K.overrides.WG));
  }
}

/**
 * dinp (= or += when accumulate: the residual stream's fan-out join) and dweight [D] (+=) from dout,
 * the forward's input and saved rstd; rows as in rmsnormForward. dinp needs a buffer of its own.
 */
export function rmsnormBackward(
  rec: Recorder, dinp: GpuTensor | Rows, dweight: GpuTensor, dout: GpuTensor | Rows, inp: GpuTensor | Rows,
  weight: GpuTensor, rstd: GpuTensor, N: number, D: number, accumulate: boolean, H = 1,
): void {
  requireF32(weight, 'rmsnormBackward: the norm weight');
  if (dinp.buf === dout.buf || dinp.buf === inp.buf || dinp.buf === dweight.buf) {
    throw new RangeError('rmsnormBackward: dinp needs a buffer of its own (not dout\'s, inp\'s or dweight\'s)');
  }
  const u = {
    N, H, D, dinpOff: dinp.off, dinpStride: strideOf(dinp, H * D), doutOff: dout.off, doutStride: strideOf(dout, H * D),
    inpOff: inp.off, inpStride: strideOf(inp, H * D), wOff: weight.off, dwOff: dweight.off, rstdOff: rstd.off,
    accumulate: accumulate ? 1 : 0,
  };
  const saved = { dout: dout.buf, inp: inp.buf, rstd: rstd.buf };
  const K = RMSNORM_BACKWARD_KERNEL;
  const dinpBuffers = { dinp: dinp.buf, dweight: null, weight: weight.buf, ...saved };
  if (kernelProfile(rec.ctx) === 'hardware') {
    rec.dispatch(K, 'dinp_wg', dinpBuffers, u, grid(N * H, 1), { WG: wgFor(D) });
  } else {
    rec.dispatch(K, 'dinp_rows', dinpBuffers, u, grid(N * H, K.overrides.WG));
  }
  rec.dispatch(K, 'dweight_main', { dinp: null, dweight: dweight.buf, weight: null, ...saved }, u, [Math.ceil(D / K.overrides.WG)]);
}
