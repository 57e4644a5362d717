// The interfaces of the toy engine's kernels (shaders/engine_*.wgsl), declared once; runners in
// src/engine/gpu/layers/ take bindings, uniform layout, overrides and grid constants from here.
// Each object mirrors its shader's `struct U` and binding block member by member (checked by
// test/unit/gpu/kernelInterfaces.test.ts); the shader headers describe shapes and offsets.
import { kernel } from './kernel.ts';

/** The element-wise kernels' workgroup: 64 threads along x. */
const WG64 = { overrides: { WG: 64 }, workgroupSize: ['WG'] } as const;

/** The strided matmul's uniform block, shared by its variants (engine_matmul*.wgsl). */
const MATMUL_UNIFORMS = {
  M: 'u32', N: 'u32', K: 'u32', aOff: 'u32', aSm: 'u32', aSk: 'u32', bOff: 'u32', bSk: 'u32', bSn: 'u32',
  outOff: 'u32', biasOff: 'u32', hasBias: 'u32', accumulate: 'u32',
} as const;

/** Kernels that read a weight at file precision include its decoder; BDT/WDT: 0 f32, 1 f16, 2 bf16. */
const WEIGHT_DECODE = 'shaders/engine_weight_decode.wgsl';

/** The register-tiled matmul: the 'software' variant (no workgroup memory). */
export const MATMUL_KERNEL = kernel({
  files: ['shaders/engine_matmul.wgsl', WEIGHT_DECODE],
  entryPoints: ['main'],
  bindings: { a: 'read', b: 'read', outp: 'read_write', bias: 'read' },
  uniforms: MATMUL_UNIFORMS,
  overrides: { WG_X: 8, WG_Y: 8, BDT: 0 },
  workgroupSize: ['WG_X', 'WG_Y'],
  /** R: outputs per thread along each axis (the register tile), so a workgroup covers R·WG_X × R·WG_Y. */
  constants: { R: 4 },
});

/** The workgroup-memory tiled matmul: the 'hardware' variant for many rows. */
export const MATMUL_TILED_KERNEL = kernel({
  files: ['shaders/engine_matmul_tiled.wgsl', WEIGHT_DECODE],
  entryPoints: ['main'],
  bindings: { a: 'read', b: 'read', outp: 'read_write', bias: 'read' },
  uniforms: MATMUL_UNIFORMS,
  overrides: { WG_X: 16, WG_Y: 16, BDT: 0 },
  workgroupSize: ['WG_X', 'WG_Y'],
  /** R: the register tile edge (a workgroup covers R·WG_X × R·WG_Y); KT: the K-slab depth. */
  constants: { R: 4, KT: 16 },
});

const GEMV = {
  bindings: { a: 'read', b: 'read', b4: 'read', outp: 'read_write', bias: 'read' },
  uniforms: MATMUL_UNIFORMS,
  overrides: { WG: 256, BDT: 0 },
  workgroupSize: ['WG'],
  /** TPC: threads per output column (a workgroup covers WG / TPC columns); MAX_M: rows per dispatch. */
  constants: { TPC: 32, MAX_M: 8 },
} as const;

/** The decoding matrix-vector product (M ≤ MAX_M rows, B contiguous along K), workgroup-memory reduction. */
export const MATMUL_GEMV_KERNEL = kernel({
  files: ['shaders/engine_matmul_gemv.wgsl', WEIGHT_DECODE],
  entryPoints: ['main'],
  ...GEMV,
});

/** The same with subgroup reductions (entry main_subgroup; needs the 'subgroups' feature to compile). */
export const MATMUL_GEMV_SUBGROUP_KERNEL = kernel({
  files: ['shaders/engine_matmul_gemv_subgroup.wgsl', 'shaders/engine_matmul_gemv.wgsl', WEIGHT_DECODE],
  entryPoints: ['main', 'main_subgroup'],
  ...GEMV,
});

export const BIAS_BACKWARD_KERNEL = kernel({
  files: ['shaders/engine_bias_backward.wgsl'],
  entryPoints: ['main'],
  bindings: { grads: 'read_write', dout: 'read' },
  uniforms: { N: 'u32', OC: 'u32', gOff: 'u32', doutOff: 'u32' },
  ...WG64,
});

export const ATTENTION_FORWARD_KERNEL = kernel({
  files: ['shaders/engine_attention_forward.wgsl'],
  entryPoints: ['main'],
  bindings: { q: 'read', k: 'read', v: 'read', outp: 'read_write', att: 'read_write' },
  uniforms: {
    B: 'u32', T: 'u32', NH: 'u32', NKV: 'u32', HD: 'u32', qOff: 'u32', qStride: 'u32', kOff: 'u32', kStride: 'u32', vOff: 'u32',
    vStride: 'u32', outOff: 'u32', attOff: 'u32', scale: 'f32',
  },
  ...WG64,
});

export const ATTENTION_BACKWARD_KERNEL = kernel({
  files: ['shaders/engine_attention_backward.wgsl'],
  entryPoints: ['query_main', 'key_main', 'value_main'],
  bindings: {
    q: 'read', k: 'read', v: 'read', att: 'read', dout: 'read', dpreatt: 'read_write', dq: 'read_write', dk: 'read_write', dv: 'read_write',
  },
  uniforms: {
    B: 'u32', T: 'u32', NH: 'u32', NKV: 'u32', HD: 'u32', qOff: 'u32', qStride: 'u32', kOff: 'u32', kStride: 'u32', vOff: 'u32',
    vStride: 'u32', attOff: 'u32', doutOff: 'u32', dqOff: 'u32', dqStride: 'u32', dkOff: 'u32', dkStride: 'u32', dvOff: 'u32',
    dvStride: 'u32', scale: 'f32',
  },
  ...WG64,
});

export const KV_WRITE_KERNEL = kernel({
  files: ['shaders/engine_kv_write.wgsl'],
  entryPoints: ['main'],
  bindings: { k: 'read', v: 'read', rows: 'read', kv: 'read_write' },
  uniforms: { N: 'u32', KVD: 'u32', R: 'u32', kOff: 'u32', kStride: 'u32', vOff: 'u32', vStride: 'u32', kvOff: 'u32' },
  ...WG64,
});

export const ATTENTION_CACHED_KERNEL = kernel({
  files: ['shaders/engine_attention_cached.wgsl'],
  /** main: software adapters (a thread per (row, head)); flash_main: hardware (a workgroup per (row, head)). */
  entryPoints: ['main', 'flash_main'],
  bindings: { q: 'read', kv: 'read', rows: 'read', outp: 'read_write' },
  uniforms: {
    N: 'u32', NH: 'u32', NKV: 'u32', HD: 'u32', R: 'u32', qOff: 'u32', qStride: 'u32', kvOff: 'u32', outOff: 'u32',
    scale: 'f32',
  },
  ...WG64,
  /** MAX_HD: the largest head size (main's private accumulator); MAX_DPT: head dims per thread in flash_main. */
  constants: { MAX_HD: 256, MAX_DPT: 4 },
});

/** Token (+ position) embedding; wte at file precision (WDT: 0 f32, 1 f16, 2 bf16), wpe f32 and optional. */
export const ENCODER_FORWARD_KERNEL = kernel({
  files: ['shaders/engine_encoder_forward.wgsl', WEIGHT_DECODE],
  entryPoints: ['main'],
  bindings: { wte: 'read', wpe: 'read', tokens: 'read', positions: 'read', outp: 'read_write' },
  uniforms: { N: 'u32', C: 'u32', wteOff: 'u32', wpeOff: 'u32', outOff: 'u32', hasWpe: 'u32' },
  overrides: { WG: 64, WDT: 0 },
  workgroupSize: ['WG'],
});

export const ENCODER_BACKWARD_KERNEL = kernel({
  files: ['shaders/engine_encoder_backward.wgsl'],
  entryPoints: ['main'],
  bindings: { grads: 'read_write', dout: 'read', ids: 'read' },
  uniforms: { N: 'u32', C: 'u32', rows: 'u32', gOff: 'u32', doutOff: 'u32' },
  ...WG64,
});

export const GELU_KERNEL = kernel({
  files: ['shaders/engine_gelu.wgsl'],
  entryPoints: ['forward', 'backward'],
  bindings: { inp: 'read', outp: 'read_write', dout: 'read' },
  uniforms: { N: 'u32', inpOff: 'u32', outOff: 'u32', doutOff: 'u32' },
  ...WG64,
});

export const LAYERNORM_KERNEL = kernel({
  files: ['shaders/engine_layernorm.wgsl'],
  entryPoints: ['main'],
  bindings: { params: 'read', inp: 'read', outp: 'read_write', mean: 'read_write', rstd: 'read_write' },
  uniforms: { N: 'u32', C: 'u32', wOff: 'u32', bOff: 'u32', inpOff: 'u32', outOff: 'u32', statOff: 'u32', eps: 'f32' },
  ...WG64,
});

export const LAYERNORM_BACKWARD_KERNEL = kernel({
  files: ['shaders/engine_layernorm_backward.wgsl'],
  entryPoints: ['dinp_main', 'dparams_main'],
  bindings: { dinp: 'read_write', grads: 'read_write', params: 'read', dout: 'read', inp: 'read', mean: 'read', rstd: 'read' },
  uniforms: {
    N: 'u32', C: 'u32', wOff: 'u32', dwOff: 'u32', dbOff: 'u32', dinpOff: 'u32', doutOff: 'u32', inpOff: 'u32',
    statOff: 'u32', accumulate: 'u32',
  },
  ...WG64,
});

export const LOGPROB_HEAD_KERNEL = kernel({
  files: ['shaders/engine_logprob_head.wgsl'],
  entryPoints: ['main'],
  bindings: { logits: 'read', targets: 'read', logp: 'read_write', entropy: 'read_write', lse: 'read_write' },
  uniforms: { N: 'u32', V: 'u32', logitsOff: 'u32', rowOff: 'u32' },
  ...WG64,
});

export const LOGPROB_HEAD_BACKWARD_KERNEL = kernel({
  files: ['shaders/engine_logprob_head_backward.wgsl'],
  entryPoints: ['main'],
  bindings: { logits: 'read', targets: 'read', lse: 'read', dlogp: 'read', dlogits: 'read_write' },
  uniforms: { N: 'u32', V: 'u32' },
  ...WG64,
});

export const RESIDUAL_KERNEL = kernel({
  files: ['shaders/engine_residual.wgsl'],
  entryPoints: ['main'],
  bindings: { inp1: 'read', inp2: 'read', outp: 'read_write' },
  uniforms: { N: 'u32', off1: 'u32', off2: 'u32', outOff: 'u32' },
  ...WG64,
});

export const ADAMW_KERNEL = kernel({
  files: ['shaders/engine_adamw.wgsl'],
  entryPoints: ['norm_main', 'check_main', 'update_main'],
  bindings: { grads: 'read', state: 'read_write', params: 'read_write', m: 'read_write', v: 'read_write' },
  uniforms: {
    P: 'u32', lr: 'f32', beta1: 'f32', beta2: 'f32', eps: 'f32', wd: 'f32', gradClip: 'f32', c1: 'f32', c2: 'f32',
    nRanges: 'u32', _pad0: 'u32', _pad1: 'u32',
    /** Weight-decay ranges [start, end) as (s0, e0, s1, e1), …: two per vec4. */
    ranges: 'array<vec4<u32>, 3>',
  },
  overrides: { WG: 256 },
  workgroupSize: ['WG'],
});
