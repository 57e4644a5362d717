// Runners for causal multi-head attention: training forward/backward on packed qkv
// (shaders/engine_attention_forward.wgsl, engine_attention_backward.wgsl) and the KV-cache pair
// used by inference (shaders/engine_kv_write.wgsl, engine_attention_cached.wgsl).
import forwardSrc from '../../../../shaders/engine_attention_forward.wgsl?raw';
import backwardSrc from '../../../../shaders/engine_attention_backward.wgsl?raw';
import kvWriteSrc from '../../../../shaders/engine_kv_write.wgsl?raw';
import cachedSrc from '../../../../shaders/engine_attention_cached.wgsl?raw';
import { grid, Uniforms, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const WG = 64;
/** Largest head size engine_attention_cached.wgsl accepts (its private accumulator). */
export const MAX_HEAD_SIZE = 128;

/** out [B,T,C], att [B,NH,T,T] (saved softmax) from qkv [B,T,3C]. */
export function attentionForward(
  rec: Recorder, out: GpuTensor, att: GpuTensor, qkv: GpuTensor, B: number, T: number, C: number, NH: number,
): void {
  const u = new Uniforms().u32(B, T, C, NH, qkv.off, out.off, att.off).f32(1 / Math.sqrt(C / NH));
  rec.dispatch(forwardSrc, 'main', [qkv.buf, out.buf, att.buf], u, grid(B * NH * T, WG), { WG });
}

/** dqkv [B,T,3C] (overwritten, offset 0), dpreatt [B,NH,T,T] scratch (offset 0), from dout [B,T,C]. */
export function attentionBackward(
  rec: Recorder, dqkv: GPUBuffer, dpreatt: GPUBuffer, dout: GpuTensor, qkv: GpuTensor, att: GpuTensor,
  B: number, T: number, C: number, NH: number,
): void {
  const u = () => new Uniforms().u32(B, T, C, NH, qkv.off, att.off, dout.off).f32(1 / Math.sqrt(C / NH));
  const buffers = [qkv.buf, att.buf, dout.buf, dpreatt, dqkv];
  rec.dispatch(backwardSrc, 'query_main', buffers, u(), grid(B * NH * T, WG), { WG });
  rec.dispatch(backwardSrc, 'key_main', buffers, u(), grid(B * NH * T, WG), { WG });
}

export interface KvCacheShape { S: number; maxT: number; C: number }

/** kv[layer, k|v, rows.slot, rows.pos] = the k and v parts of qkv [N,3C]. */
export function kvWrite(
  rec: Recorder, kv: GPUBuffer, qkv: GpuTensor, rows: GPUBuffer, layer: number, N: number, shape: KvCacheShape,
): void {
  const u = new Uniforms().u32(N, shape.C, shape.S, shape.maxT, layer, qkv.off);
  rec.dispatch(kvWriteSrc, 'main', [qkv.buf, rows, kv], u, grid(N * shape.C, WG), { WG });
}

/** out [N,C] = attention of each new row's q over its cached keys (see the shader for the row info). */
export function attentionCached(
  rec: Recorder, out: GpuTensor, qkv: GpuTensor, kv: GPUBuffer, rows: GPUBuffer,
  layer: number, N: number, NH: number, shape: KvCacheShape,
): void {
  const u = new Uniforms().u32(N, shape.C, NH, shape.S, shape.maxT, layer, qkv.off, out.off).f32(1 / Math.sqrt(shape.C / NH));
  rec.dispatch(cachedSrc, 'main', [qkv.buf, kv, rows, out.buf], u, grid(N * NH, WG), { WG });
}
