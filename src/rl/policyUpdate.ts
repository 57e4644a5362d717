// The μ policy updates of one GRPO step (TRL num_iterations): forward → loss → backward → step.
// The first forward doubles as the "old" log-probs (π_old = the policy that sampled, whose
// parameters have not moved yet), so ρ = 1 on the first update, as in TRL.
// Safety: a non-finite loss is never backpropagated, and the engine's step rejects non-finite
// gradients; either way the update is reported skipped and the run goes on.
import type { AdamWConfig, TrainableModel } from '../engine/types.ts';
import type { PolicyBatch } from './batch.ts';
import { grpoLoss } from './loss.ts';

export interface UpdateOptions {
  iterations: number;
  epsilon: number;
  beta: number;
  adamW: AdamWConfig;
  log: (line: string) => void;
}

export interface UpdateStats {
  loss: number;
  kl: number;
  clipFrac: number;
  gradNorm: number;
  skipped: boolean;
  /** ms in forward + backward, and in the optimizer */
  forwardBackwardMs: number;
  optimizerMs: number;
}

export async function policyUpdate(
  engine: TrainableModel, batch: PolicyBatch, refLogp: Float32Array | null, opts: UpdateOptions,
): Promise<UpdateStats> {
  const { B, T } = batch;
  let old: Float32Array | null = null;
  let lossSum = 0;
  let klSum = 0;
  let clipSum = 0;
  let done = 0;
  let gradNorm = 0;
  let skipped = false;
  let fbMs = 0;
  let optMs = 0;
  for (let it = 0; it < opts.iterations; it++) {
    let t0 = performance.now();
    const fwd = await engine.forward(batch.inputs, batch.targets, B, T);
    if (old === null) old = fwd.logProbs.slice();
    const out = grpoLoss({
      logp: fwd.logProbs, oldLogp: old, refLogp, advantages: batch.advantages, mask: batch.mask,
      epsilon: opts.epsilon, beta: opts.beta,
    });
    if (!Number.isFinite(out.loss)) {
      fbMs += performance.now() - t0;
      opts.log(`update ${it + 1}/${opts.iterations}: loss is ${out.loss}; update rejected (no backward, no step)`);
      skipped = true;
      lossSum = NaN;
      break;
    }
    engine.zeroGrad();
    await engine.backward(out.dlogp);
    // backward only submits: wait for its GPU work here, or the optimizer's read-back would time it
    await engine.sync?.();
    fbMs += performance.now() - t0;
    t0 = performance.now();
    const res = await engine.step(opts.adamW);
    optMs += performance.now() - t0;
    gradNorm = res.gradNorm;
    lossSum += out.loss;
    klSum += out.klMean;
    clipSum += out.clipFrac;
    done++;
    if (res.skipped) {
      opts.log(`update ${it + 1}/${opts.iterations}: gradients are not finite (norm ${res.gradNorm}); step rejected`);
      skipped = true;
      break;
    }
  }
  const n = Math.max(done, 1);
  return {
    loss: done === 0 ? NaN : lossSum / n,
    kl: klSum / n,
    clipFrac: clipSum / n,
    gradNorm,
    skipped,
    forwardBackwardMs: fbMs,
    optimizerMs: optMs,
  };
}
