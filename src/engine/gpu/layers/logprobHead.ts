// Runners for the log-prob head (shaders/engine_logprob_head*.wgsl); the logits themselves come
// from matmulForward(lnf, wte) (tied embedding, no bias).
import forwardSrc from '../../../../shaders/engine_logprob_head.wgsl?raw';
import backwardSrc from '../../../../shaders/engine_logprob_head_backward.wgsl?raw';
import { grid, Uniforms, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

const WG = 64;

/** logp, entropy, lse [N] (offset 0) from logits [N,V] and targets [N] (−1 = unscored). */
export function logProbHeadForward(
  rec: Recorder, logp: GPUBuffer, entropy: GPUBuffer, lse: GPUBuffer, logits: GpuTensor, targets: GPUBuffer,
  N: number, V: number,
): void {
  const u = new Uniforms().u32(N, V, logits.off);
  rec.dispatch(forwardSrc, 'main', [logits.buf, targets, logp, entropy, lse], u, grid(N, WG), { WG });
}

/** dlogits [N,V] = dlogp · (onehot(target) − softmax(logits)), 0 on unscored rows (offsets 0). */
export function logProbHeadBackward(
  rec: Recorder, dlogits: GPUBuffer, dlogp: GPUBuffer, logits: GPUBuffer, lse: GPUBuffer, targets: GPUBuffer,
  N: number, V: number,
): void {
  const u = new Uniforms().u32(N, V);
  rec.dispatch(backwardSrc, 'main', [logits, targets, lse, dlogp, dlogits], u, grid(N * V, WG), { WG });
}
