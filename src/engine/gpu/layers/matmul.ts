// Runners for linear layers on the strided matmul (shaders/engine_matmul*.wgsl) and the bias gradient
// (shaders/engine_bias_backward.wgsl). W is stored [OC, C]; out = inp @ W^T + b. W may be a hub weight
// kept at file precision (GpuTensor.dtype f16 / bf16, read in place); activations and biases are f32.
//
// Variants, chosen per adapter (src/gpu/adapterProfile.ts) and shape by `chooseMatmulVariant`:
//   software adapters (SwiftShader)   → 'register'  engine_matmul.wgsl, no workgroup memory
//   hardware, M ≤ 8 rows, B along K   → 'gemv' / 'gemv-subgroup' (with the 'subgroups' feature)
//   hardware, otherwise               → 'tiled'     engine_matmul_tiled.wgsl, 64×64 tiles in workgroup memory
// "B along K" is the forward (W read row by row); the backward's dinp = dout @ W reads W along N.
import {
  BIAS_BACKWARD_KERNEL, MATMUL_GEMV_KERNEL, MATMUL_GEMV_SUBGROUP_KERNEL, MATMUL_KERNEL, MATMUL_TILED_KERNEL,
} from '../../../gpu/kernels/engine.ts';
import { kernelProfile, type KernelProfile } from '../../../gpu/adapterProfile.ts';
import type { Recorder } from '../encoding.ts';
import { WEIGHT_DTYPE_CODE, type GpuTensor } from '../tensor.ts';

export type MatmulVariant = 'register' | 'tiled' | 'gemv' | 'gemv-subgroup';

export interface MatmulOptions {
  /** Add the product to the output (forward: out; backward: dinp) instead of overwriting it. */
  accumulate?: boolean;
  /** Run this variant whatever the adapter (tests run every variant on SwiftShader). */
  variant?: MatmulVariant;
  /** A lower workgroups-per-dimension limit than the device's (tests of the split grid). */
  maxGroupsPerDim?: number;
}

const GEMV_COLUMNS = MATMUL_GEMV_KERNEL.overrides.WG / MATMUL_GEMV_KERNEL.constants.TPC;
/** Rows up to which the hardware profile decodes with the matrix-vector kernel. */
export const GEMV_MAX_M = MATMUL_GEMV_KERNEL.constants.MAX_M;

/** The variant for M rows; bSk = 1 when B is read along K (a weight [N, K] in the forward). */
export function chooseMatmulVariant(profile: KernelProfile, subgroups: boolean, M: number, bSk: number): MatmulVariant {
  if (profile === 'software') return 'register';
  if (M <= GEMV_MAX_M && bSk === 1) return subgroups ? 'gemv-subgroup' : 'gemv';
  return 'tiled';
}

/** Workgroups (x, z) for `blocks` along one axis: x·z ≥ blocks, x ≤ maxPerDim (kernels read block = x + z·nx). */
export function splitGroups(blocks: number, maxPerDim: number): [number, number] {
  if (blocks <= maxPerDim) return [blocks, 1];
  const z = Math.ceil(blocks / maxPerDim);
  if (z > maxPerDim) throw new RangeError(`matmul: ${blocks} workgroups exceed ${maxPerDim}² (maxComputeWorkgroupsPerDimension)`);
  return [Math.ceil(blocks / z), z];
}

interface Operand { t: GpuTensor; sRow: number; sCol: number }

function requireF32(what: string, t: GpuTensor | null): void {
  if (t?.dtype && t.dtype !== 'f32') throw new TypeError(`matmul: ${what} must be f32, got ${t.dtype} (only the weight operand may be half precision)`);
}

/** outp[M,N] (= or +=) A[M,K] @ B[K,N] (+ bias[N]); A and B given by strides (B's in elements of its dtype). */
function stridedMatmul(
  rec: Recorder, out: GpuTensor, a: Operand, b: Operand, bias: GpuTensor | null,
  M: number, N: number, K: number, accumulate: boolean, opts: MatmulOptions,
): void {
  requireF32('the output', out);
  requireF32('the activation operand', a.t);
  requireF32('the bias', bias);
  const dt = WEIGHT_DTYPE_CODE[b.t.dtype ?? 'f32'];
  const overrides = dt ? { BDT: dt } : undefined;
  const hasSubgroups = rec.ctx.features.includes('subgroups');
  let variant = opts.variant ?? chooseMatmulVariant(kernelProfile(rec.ctx), hasSubgroups, M, b.sRow);
  const gemv = variant === 'gemv' || variant === 'gemv-subgroup';
  // b4 (16-byte words) needs a 16-byte binding; a weight that small is not worth a GEMV.
  if (gemv && !opts.variant && b.t.buf.size < 16) variant = 'tiled';
  const uniforms = {
    M, N, K, aOff: a.t.off, aSm: a.sRow, aSk: a.sCol, bOff: b.t.off, bSk: b.sRow, bSn: b.sCol,
    outOff: out.off, biasOff: bias ? bias.off : 0, hasBias: bias ? 1 : 0, accumulate: accumulate ? 1 : 0,
  };
  const buffers = { a: a.t.buf, b: b.t.buf, outp: out.buf, bias: bias ? bias.buf : a.t.buf }; // unused bias: any readable buffer
  const max = opts.maxGroupsPerDim ?? rec.device.limits.maxComputeWorkgroupsPerDimension;
  if (variant === 'register' || variant === 'tiled') {
    const k = variant === 'register' ? MATMUL_KERNEL : MATMUL_TILED_KERNEL;
    const { R } = k.constants;
    const [x, z] = splitGroups(Math.ceil(N / (R * k.overrides.WG_X)), max);
    rec.dispatch(k, 'main', buffers, uniforms, [x, Math.ceil(M / (R * k.overrides.WG_Y)), z], overrides);
    return;
  }
  if (M > GEMV_MAX_M || b.sRow !== 1) throw new RangeError(`matmul ${variant}: needs M ≤ ${GEMV_MAX_M} rows and B contiguous along K (got M = ${M}, bSk = ${b.sRow})`);
  if (b.t.buf.size < 16) throw new RangeError(`matmul ${variant}: the weight buffer has ${b.t.buf.size} bytes, under one 16-byte word`);
  const [x, z] = splitGroups(Math.ceil(N / GEMV_COLUMNS), max);
  const withB4 = { ...buffers, b4: b.t.buf };
  if (variant === 'gemv') {
    rec.dispatch(MATMUL_GEMV_KERNEL, 'main', withB4, uniforms, [x, 1, z], overrides);
  } else {
    if (!hasSubgroups) throw new Error('matmul gemv-subgroup: this device has no \'subgroups\' feature');
    rec.dispatch(MATMUL_GEMV_SUBGROUP_KERNEL, 'main_subgroup', withB4, uniforms, [x, 1, z], overrides);
  }
}

/** out [N,OC] (= or += with opts.accumulate) inp [N,C] @ weight[OC,C]^T + bias[OC] (N = B·T rows). */
export function matmulForward(
  rec: Recorder, out: GpuTensor, inp: GpuTensor, weight: GpuTensor, bias: GpuTensor | null,
  N: number, C: number, OC: number, opts: MatmulOptions = {},
): void {
  stridedMatmul(rec, out, { t: inp, sRow: C, sCol: 1 }, { t: weight, sRow: 1, sCol: C }, bias, N, OC, C, opts.accumulate ?? false, opts);
}

/**
 * dinp [N,C] = dout @ W (overwritten; += with opts.accumulate); dweight [OC,C] += dout^T @ inp; dbias [OC] += Σ_r dout.
 * dweight null skips dW (a frozen weight); a half-precision weight is always frozen, so it must be null.
 */
export function matmulBackward(
  rec: Recorder, dinp: GpuTensor, dweight: GpuTensor | null, dbias: GpuTensor | null,
  dout: GpuTensor, inp: GpuTensor, weight: GpuTensor, N: number, C: number, OC: number, opts: MatmulOptions = {},
): void {
  if (dweight && weight.dtype && weight.dtype !== 'f32') {
    throw new TypeError(`matmulBackward: the weight is ${weight.dtype}; half-precision weights are frozen (no dW), pass dweight = null`);
  }
  stridedMatmul(rec, dinp, { t: dout, sRow: OC, sCol: 1 }, { t: weight, sRow: C, sCol: 1 }, null, N, C, OC, opts.accumulate ?? false, opts);
  if (dweight) {
    stridedMatmul(rec, dweight, { t: dout, sRow: 1, sCol: OC }, { t: inp, sRow: C, sCol: 1 }, null, OC, C, N, true, { ...opts, variant: dwVariant(opts.variant) });
  }
  if (dbias) {
    requireF32('the bias gradient', dbias);
    rec.dispatch(BIAS_BACKWARD_KERNEL, 'main', { grads: dbias.buf, dout: dout.buf },
      { N, OC, gOff: dbias.off, doutOff: dout.off }, [Math.ceil(OC / BIAS_BACKWARD_KERNEL.overrides.WG)]);
  }
}

/** dW reads its B (inp) along N, which the GEMV cannot: a forced GEMV falls back to the tiled kernel there. */
function dwVariant(v: MatmulVariant | undefined): MatmulVariant | undefined {
  return v === 'gemv' || v === 'gemv-subgroup' ? 'tiled' : v;
}
