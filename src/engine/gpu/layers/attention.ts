// Runners for causal multi-head attention: training forward/backward on packed qkv
// (shaders/engine_attention_forward.wgsl, engine_attention_backward.wgsl) and the KV-cache pair
// used by inference (shaders/engine_kv_write.wgsl, engine_attention_cached.wgsl).
import {
  ATTENTION_BACKWARD_KERNEL, ATTENTION_CACHED_KERNEL, ATTENTION_FORWARD_KERNEL, KV_WRITE_KERNEL,
} from '../../../gpu/kernels/engine.ts';
import { kernelProfile } from '../../../gpu/adapterProfile.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';
import { strideOf, type Rows } from './rows.ts';

/** Largest head size engine_attention_cached.wgsl accepts (its private accumulator). */
export const MAX_HEAD_SIZE = ATTENTION_CACHED_KERNEL.constants.MAX_HD;
// (flash_main covers MAX_DPT · WG = 4 · 64 head dims: the same bound.)

/** out [B,T,C], att [B,NH,T,T] (saved softmax) from qkv [B,T,3C]. */
export function attentionForward(
  rec: Recorder, out: GpuTensor, att: GpuTensor, qkv: GpuTensor, B: number, T: number, C: number, NH: number,
): void {
  rec.dispatch(ATTENTION_FORWARD_KERNEL, 'main', { qkv: qkv.buf, outp: out.buf, att: att.buf },
    { B, T, C, NH, qkvOff: qkv.off, outOff: out.off, attOff: att.off, scale: 1 / Math.sqrt(C / NH) },
    grid(B * NH * T, ATTENTION_FORWARD_KERNEL.overrides.WG));
}

/** dqkv [B,T,3C] (overwritten, offset 0), dpreatt [B,NH,T,T] scratch (offset 0), from dout [B,T,C]. */
export function attentionBackward(
  rec: Recorder, dqkv: GPUBuffer, dpreatt: GPUBuffer, dout: GpuTensor, qkv: GpuTensor, att: GpuTensor,
  B: number, T: number, C: number, NH: number,
): void {
  const K = ATTENTION_BACKWARD_KERNEL;
  const u = { B, T, C, NH, qkvOff: qkv.off, attOff: att.off, doutOff: dout.off, scale: 1 / Math.sqrt(C / NH) };
  const buffers = { qkv: qkv.buf, att: att.buf, dout: dout.buf, dpreatt, dqkv };
  rec.dispatch(K, 'query_main', buffers, u, grid(B * NH * T, K.overrides.WG));
  rec.dispatch(K, 'key_main', buffers, u, grid(B * NH * T, K.overrides.WG));
}

/** Query heads NH of size HD; NKV key/value heads (NH a multiple of NKV); query head h reads kv head h / (NH/NKV). */
export interface AttentionHeads { NH: number; NKV: number; HD: number }

/** The KV cache: S sequence slots of maxT positions; a layer's block is [2, S, maxT, NKV·HD] f32. */
export interface KvCacheShape { S: number; maxT: number }

function checkHeads({ NH, NKV, HD }: AttentionHeads, what: string): void {
  if (!(NKV > 0 && NH % NKV === 0)) throw new RangeError(`${what}: ${NH} query heads are not a multiple of ${NKV} kv heads`);
  if (HD > MAX_HEAD_SIZE) throw new RangeError(`${what}: head size ${HD} exceeds the kernel's ${MAX_HEAD_SIZE}`);
}

/**
 * kv[kvOff + (k|v, rows.slot, rows.pos)] = the k and v rows [N, NKV·HD] (each an offset and a row
 * stride; the toy's packed qkv is k at C, v at 2C, stride 3C). kv.off places one layer's block.
 */
export function kvWrite(
  rec: Recorder, kv: GpuTensor, k: GpuTensor | Rows, v: GpuTensor | Rows, rows: GPUBuffer, N: number,
  heads: AttentionHeads, shape: KvCacheShape,
): void {
  const KVD = heads.NKV * heads.HD;
  if (k.buf === kv.buf || v.buf === kv.buf) throw new RangeError('kvWrite: k and v need buffers other than the cache');
  rec.dispatch(KV_WRITE_KERNEL, 'main', { k: k.buf, v: v.buf, rows, kv: kv.buf }, {
    N, KVD, S: shape.S, maxT: shape.maxT, kOff: k.off, kStride: strideOf(k, KVD), vOff: v.off, vStride: strideOf(v, KVD), kvOff: kv.off,
  }, grid(N * KVD, KV_WRITE_KERNEL.overrides.WG));
}

/**
 * out [N, NH·HD] = attention of each new row's q (rows with a stride) over its cached keys (see the
 * shader for the row info). Software adapters: a thread per (row, head); hardware: flash-decoding
 * style, a workgroup per (row, head).
 */
export function attentionCached(
  rec: Recorder, out: GpuTensor, q: GpuTensor | Rows, kv: GpuTensor, rows: GPUBuffer, N: number,
  heads: AttentionHeads, shape: KvCacheShape,
): void {
  checkHeads(heads, 'attentionCached');
  const { NH, NKV, HD } = heads;
  if (out.buf === q.buf || out.buf === kv.buf) throw new RangeError('attentionCached: out needs a buffer other than q\'s and the cache');
  const K = ATTENTION_CACHED_KERNEL;
  const u = {
    N, NH, NKV, HD, S: shape.S, maxT: shape.maxT, qOff: q.off, qStride: strideOf(q, NH * HD), kvOff: kv.off, outOff: out.off,
    scale: 1 / Math.sqrt(HD),
  };
  const buffers = { q: q.buf, kv: kv.buf, rows, outp: out.buf };
  if (kernelProfile(rec.ctx) === 'hardware') rec.dispatch(K, 'flash_main', buffers, u, grid(N * NH, 1));
  else rec.dispatch(K, 'main', buffers, u, grid(N * NH, K.overrides.WG));
}
