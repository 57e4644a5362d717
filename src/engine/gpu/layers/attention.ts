// Runners for causal multi-head attention: training forward/backward on packed qkv
// (shaders/engine_attention_forward.wgsl, engine_attention_backward.wgsl) and the KV-cache pair
// used by inference (shaders/engine_kv_write.wgsl, engine_attention_cached.wgsl).
import {
  ATTENTION_BACKWARD_KERNEL, ATTENTION_CACHED_KERNEL, ATTENTION_FORWARD_KERNEL, KV_WRITE_KERNEL,
} from '../../../gpu/kernels/engine.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

/** Largest head size engine_attention_cached.wgsl accepts (its private accumulator). */
export const MAX_HEAD_SIZE = ATTENTION_CACHED_KERNEL.constants.MAX_HS;

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

/** kv block of one layer [2, R, C] (at kv.off) ← the k and v parts of qkv [N,3C] (rows: see the shader). */
export function kvWrite(rec: Recorder, kv: GpuTensor, R: number, qkv: GpuTensor, rows: GPUBuffer, N: number, C: number): void {
  rec.dispatch(KV_WRITE_KERNEL, 'main', { qkv: qkv.buf, rows, kv: kv.buf },
    { N, C, R, kvOff: kv.off, qkvOff: qkv.off }, grid(N * C, KV_WRITE_KERNEL.overrides.WG));
}

/** out [N,C] = attention of each new row's q over its cached keys (see the shader for the row info). */
export function attentionCached(
  rec: Recorder, out: GpuTensor, qkv: GpuTensor, kv: GpuTensor, R: number, rows: GPUBuffer, N: number, C: number, NH: number,
): void {
  rec.dispatch(ATTENTION_CACHED_KERNEL, 'main', { qkv: qkv.buf, kv: kv.buf, rows, outp: out.buf }, {
    N, C, NH, R, kvOff: kv.off, qkvOff: qkv.off, outOff: out.off, scale: 1 / Math.sqrt(C / NH),
  }, grid(N * NH, ATTENTION_CACHED_KERNEL.overrides.WG));
}
