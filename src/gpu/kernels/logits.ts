// The interfaces of the fused logits kernels (runners src/gpu/logitsStats.ts, logitsTopK.ts), on
// the engine kernels' binding convention. Constants the CPU references also hold come from them,
// so kernel, runner and reference read one value.
import { TOPK_MAX_K, TOPK_NEG_BIG, TOPK_STATUS } from '../logitsTopKCpu.ts';
import { kernel } from './kernel.ts';

export const LOGITS_STATS_KERNEL = kernel({
  files: ['shaders/logits_stats.wgsl'],
  entryPoints: ['main_f32', 'main_f16'],
  /** logits: array<u32> (f32 bits or packed f16 pairs), a window of whole rows; targets: i32 [rows], −1 = none. */
  bindings: { logits: 'read', targets: 'read', out: 'read_write' },
  uniforms: {
    elem_offset: 'u32', rows: 'u32', vocab: 'u32', target_row: 'u32', out_row: 'u32', has_targets: 'u32',
    _pad0: 'u32', _pad1: 'u32',
  },
  overrides: { WG: 256 },
  workgroupSize: ['WG'],
  /** STATS_PER_ROW: floats per output row (max, lse, entropy, target_logp); NEG_BIG: counts as −inf. */
  constants: { STATS_PER_ROW: 4, NEG_BIG: TOPK_NEG_BIG },
});

export const LOGITS_TOPK_KERNEL = kernel({
  files: ['shaders/logits_topk.wgsl', 'shaders/logits_topk_stream.wgsl'],
  entryPoints: ['main_f32', 'main_f16'],
  /** logits as for the stats kernel; chosen: i32 [rows], −1 = none; out: records of HEADER_WORDS + 2k words. */
  bindings: { logits: 'read', chosen: 'read', out: 'read_write' },
  uniforms: {
    elem_offset: 'u32', rows: 'u32', vocab: 'u32', k: 'u32', chosen_row: 'u32', out_row: 'u32', has_chosen: 'u32',
    _pad0: 'u32',
  },
  overrides: { WG: 256 },
  workgroupSize: ['WG'],
  constants: {
    MAX_K: TOPK_MAX_K,
    HEADER_WORDS: 5,
    NEG_BIG: TOPK_NEG_BIG,
    ST_NAN: TOPK_STATUS.nan,
    ST_POS_INF: TOPK_STATUS.posInf,
    ST_NO_FINITE: TOPK_STATUS.noFinite,
  },
});

/**
 * The 'software' variant of the top-k kernel (src/gpu/adapterProfile.ts): one invocation per row,
 * no workgroup memory or barriers; the same bindings, uniforms and records.
 */
export const LOGITS_TOPK_ROWS_KERNEL = kernel({
  files: ['shaders/logits_topk_rows.wgsl', 'shaders/logits_topk_stream.wgsl'],
  entryPoints: ['main_f32', 'main_f16'],
  bindings: LOGITS_TOPK_KERNEL.bindings,
  uniforms: LOGITS_TOPK_KERNEL.uniforms,
  overrides: { WG: 16 },
  workgroupSize: ['WG'],
  constants: LOGITS_TOPK_KERNEL.constants,
});

/** Words per top-k output record: [status, rank, logp_chosen, lse, entropy, ids[k], logp[k]]. */
export const topKRecordWords = (k: number): number => LOGITS_TOPK_KERNEL.constants.HEADER_WORDS + 2 * k;
