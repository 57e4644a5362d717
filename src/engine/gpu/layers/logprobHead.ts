// Runners for the log-prob head (shaders/engine_logprob_head*.wgsl); the logits themselves come
// from matmulForward(lnf, wte) (tied embedding, no bias).
import { LOGPROB_HEAD_BACKWARD_KERNEL, LOGPROB_HEAD_KERNEL } from '../../../gpu/kernels/engine.ts';
import { grid, type Recorder } from '../encoding.ts';
import type { GpuTensor } from '../tensor.ts';

/**
 * logp, entropy, lse [rowOff + N] from logits [N,V] and targets [rowOff + N] (−1 = unscored): row r
 * of the logits fills entry rowOff + r (a caller running the LM head in slices passes each slice's row).
 */
export function logProbHeadForward(
  rec: Recorder, logp: GPUBuffer, entropy: GPUBuffer, lse: GPUBuffer, logits: GpuTensor, targets: GPUBuffer,
  N: number, V: number, rowOff = 0,
): void {
  rec.dispatch(LOGPROB_HEAD_KERNEL, 'main', { logits: logits.buf, targets, logp, entropy, lse },
    { N, V, logitsOff: logits.off, rowOff }, grid(N, LOGPROB_HEAD_KERNEL.overrides.WG));
}

/** dlogits [N,V] = dlogp · (onehot(target) − softmax(logits)), 0 on unscored rows (offsets 0). */
export function logProbHeadBackward(
  rec: Recorder, dlogits: GPUBuffer, dlogp: GPUBuffer, logits: GPUBuffer, lse: GPUBuffer, targets: GPUBuffer,
  N: number, V: number,
): void {
  rec.dispatch(LOGPROB_HEAD_BACKWARD_KERNEL, 'main', { logits, targets, lse, dlogp, dlogits },
    { N, V }, grid(N * V, LOGPROB_HEAD_BACKWARD_KERNEL.overrides.WG));
}
