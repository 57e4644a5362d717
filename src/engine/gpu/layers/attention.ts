// Runners for causal grouped-query attention (NKV = NH: multi-head): training forward/backward
// (shaders/engine_attention_forward.wgsl, engine_attention_backward.wgsl) and the KV-cache pair
// used by inference (shaders/engine_kv_write.wgsl, engine_attention_cached.wgsl). q, k, v are rows
// with offsets and strides; the toy's packed qkv [B,T,3C] is the special case (attentionForward /
// attentionBackward keep its signatures).
import {
  ATTENTION_BACKWARD_KERNEL, ATTENTION_CACHED_KERNEL, ATTENTION_FORWARD_KERNEL, KV_WRITE_KERNEL,
} from '../../../gpu/kernels/engine.ts';
import { kernelProfile } from '../../../gpu/adapterProfile.ts';
import { grid, type Recorder } from '../encoding.ts';
import { at, type GpuTensor } from '../tensor.ts';
import { strided, strideOf, type Rows } from './rows.ts';

/** Largest head size engine_attention_cached.wgsl accepts (its private accumulator). */
export const MAX_HEAD_SIZE = ATTENTION_CACHED_KERNEL.constants.MAX_HD;
// (flash_main covers MAX_DPT · WG = 4 · 64 head dims: the same bound.)

/** The toy's packed qkv [B,T,3C] as q, k, v rows (stride 3C) of NH heads of C/NH. */
function packed(qkv: GpuTensor, C: number): [Rows, Rows, Rows] {
  return [0, 1, 2].map((j) => strided(at(qkv.buf, qkv.off + j * C), 3 * C)) as [Rows, Rows, Rows];
}

/**
 * out [B,T,NH·HD], att [B,NH,T,T] (saved softmax) from q [B·T, NH·HD], k, v [B·T, NKV·HD] (each
 * rows with a stride; they may share a buffer).
 */
export function gqaAttentionForward(
  rec: Recorder, out: GpuTensor, att: GpuTensor, q: GpuTensor | Rows, k: GpuTensor | Rows, v: GpuTensor | Rows,
  B: number, T: number, heads: AttentionHeads,
): void {
  const { NH, NKV, HD } = heads;
  checkHeads(heads, 'gqaAttentionForward', Infinity);
  if ([q, k, v].some((x) => x.buf === out.buf || x.buf === att.buf) || out.buf === att.buf) {
    throw new RangeError('gqaAttentionForward: out and att need buffers of their own');
  }
  rec.dispatch(ATTENTION_FORWARD_KERNEL, 'main', { q: q.buf, k: k.buf, v: v.buf, outp: out.buf, att: att.buf }, {
    B, T, NH, NKV, HD, qOff: q.off, qStride: strideOf(q, NH * HD), kOff: k.off, kStride: strideOf(k, NKV * HD),
    vOff: v.off, vStride: strideOf(v, NKV * HD), outOff: out.off, attOff: att.off, scale: 1 / Math.sqrt(HD),
  }, grid(B * NH * T, ATTENTION_FORWARD_KERNEL.overrides.WG));
}

/**
 * dq [B·T, NH·HD], dk, dv [B·T, NKV·HD] (overwritten; dk/dv summed over the heads of each group;
 * rows with strides, each written by its own dispatch, so they may share a buffer) from dout
 * [B,T,NH·HD], the forward's q, k, v and saved att; dpreatt [B,NH,T,T] scratch at offset 0.
 */
export function gqaAttentionBackward(
  rec: Recorder, dq: GpuTensor | Rows, dk: GpuTensor | Rows, dv: GpuTensor | Rows, dpreatt: GPUBuffer, dout: GpuTensor,
  q: GpuTensor | Rows, k: GpuTensor | Rows, v: GpuTensor | Rows, att: GpuTensor, B: number, T: number, heads: AttentionHeads,
): void {
  const { NH, NKV, HD } = heads;
  checkHeads(heads, 'gqaAttentionBackward', Infinity);
  const reads = [q, k, v, att, dout].map((x) => x.buf);
  if ([dq, dk, dv].some((g) => reads.includes(g.buf) || g.buf === dpreatt) || reads.includes(dpreatt)) {
    throw new RangeError('gqaAttentionBackward: dq, dk, dv and dpreatt need buffers other than the inputs\' (and dpreatt its own)');
  }
  const K = ATTENTION_BACKWARD_KERNEL;
  const u = {
    B, T, NH, NKV, HD, qOff: q.off, qStride: strideOf(q, NH * HD), kOff: k.off, kStride: strideOf(k, NKV * HD), vOff: v.off,
    vStride: strideOf(v, NKV * HD), attOff: att.off, doutOff: dout.off, dqOff: dq.off, dqStride: strideOf(dq, NH * HD),
    dkOff: dk.off, dkStride: strideOf(dk, NKV * HD), dvOff: dv.off, dvStride: strideOf(dv, NKV * HD), scale: 1 / Math.sqrt(HD),
  };
  // each entry binds exactly the buffers it uses (auto layouts leave the others out)
  const none = { q: null, k: null, v: null, att: null, dout: null, dpreatt: null, dq: null, dk: null, dv: null };
  rec.dispatch(K, 'query_main', { ...none, k: k.buf, v: v.buf, att: att.buf, dout: dout.buf, dpreatt, dq: dq.buf }, u, grid(B * NH * T, K.overrides.WG));
  rec.dispatch(K, 'key_main', { ...none, q: q.buf, dpreatt, dk: dk.buf }, u, grid(B * NKV * T, K.overrides.WG));
  rec.dispatch(K, 'value_main', { ...none, att: att.buf, dout: dout.buf, dv: dv.buf }, u, grid(B * NKV * T, K.overrides.WG));
}

/** The toy: out [B,T,C], att [B,NH,T,T] (saved softmax) from packed qkv [B,T,3C]. */
export function attentionForward(
  rec: Recorder, out: GpuTensor, att: GpuTensor, qkv: GpuTensor, B: number, T: number, C: number, NH: number,
): void {
  gqaAttentionForward(rec, out, att, ...packed(qkv, C), B, T, { NH, NKV: NH, HD: C / NH });
}

/** The toy: dqkv [B,T,3C] (overwritten, offset 0), dpreatt [B,NH,T,T] scratch (offset 0), from dout [B,T,C]. */
export function attentionBackward(
  rec: Recorder, dqkv: GPUBuffer, dpreatt: GPUBuffer, dout: GpuTensor, qkv: GpuTensor, att: GpuTensor,
  B: number, T: number, C: number, NH: number,
): void {
  gqaAttentionBackward(rec, ...packed(at(dqkv), C), dpreatt, dout, ...packed(qkv, C), att, B, T, { NH, NKV: NH, HD: C / NH });
}

/** Query heads NH of size HD; NKV key/value heads (NH a multiple of NKV); query head h reads kv head h / (NH/NKV). */
export interface AttentionHeads { NH: number; NKV: number; HD: number }

/** The KV cache: R rows (positions, addressed by the rows' bases); a layer's block is [2, R, NKV·HD] f32. */
export interface KvCacheShape { R: number }

function checkHeads({ NH, NKV, HD }: AttentionHeads, what: string, maxHD: number = MAX_HEAD_SIZE): void {
  if (!(NKV > 0 && NH % NKV === 0)) throw new RangeError(`${what}: ${NH} query heads are not a multiple of ${NKV} kv heads`);
  if (HD > maxHD) throw new RangeError(`${what}: head size ${HD} exceeds the kernel's ${maxHD}`);
}

/**
 * kv[kvOff + (k|v, ownBase + pos − prefixLen)] = the k and v rows [N, NKV·HD] (each an offset and a row
 * stride; the toy's packed qkv is k at C, v at 2C, stride 3C). kv.off places one layer's block.
 */
export function kvWrite(
  rec: Recorder, kv: GpuTensor, k: GpuTensor | Rows, v: GpuTensor | Rows, rows: GPUBuffer, N: number,
  heads: AttentionHeads, shape: KvCacheShape,
): void {
  const KVD = heads.NKV * heads.HD;
  if (k.buf === kv.buf || v.buf === kv.buf) throw new RangeError('kvWrite: k and v need buffers other than the cache');
  rec.dispatch(KV_WRITE_KERNEL, 'main', { k: k.buf, v: v.buf, rows, kv: kv.buf }, {
    N, KVD, R: shape.R, kOff: k.off, kStride: strideOf(k, KVD), vOff: v.off, vStride: strideOf(v, KVD), kvOff: kv.off,
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
    N, NH, NKV, HD, R: shape.R, qOff: q.off, qStride: strideOf(q, NH * HD), kvOff: kv.off, outOff: out.off,
    scale: 1 / Math.sqrt(HD),
  };
  const buffers = { q: q.buf, kv: kv.buf, rows, outp: out.buf };
  if (kernelProfile(rec.ctx) === 'hardware') rec.dispatch(K, 'flash_main', buffers, u, grid(N * NH, 1));
  else rec.dispatch(K, 'main', buffers, u, grid(N * NH, K.overrides.WG));
}
