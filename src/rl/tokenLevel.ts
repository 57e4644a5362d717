// The token-level estimators' part of a step (repro-method.md §11), between the rollouts and the
// policy update: π_old / π_ref log-probs when the KL goes into the reward, the critic's rollout-time
// values (PPO), token rewards → GAE or REINFORCE++ advantages; and the PPO critic's update.
// GPU-free: drives any TrainableModel / ValueModel. Each phase waits for the device (sync) so its
// time is its own.
import type { TrainableModel } from '../engine/types.ts';
import type { ValueModel } from '../engine/critic.ts';
import type { PolicyBatch } from './batch.ts';
import type { GrpoConfig } from './config.ts';
import type { Rollout } from './rollout.ts';
import type { RolloutScore } from './scoring.ts';
import { completionRows, gaeAdvantages, reinforcePlusPlusAdvantages, stepTokenRewards, toBatchLayout } from './estimators/stepEstimates.ts';
import { clippedValueLoss } from './estimators/valueLoss.ts';
import { explainedVariance } from './estimators/whiten.ts';

export interface PpoTargets {
  /** V_old per position [B, T] (the critic at rollout time) */
  oldValues: Float32Array;
  /** GAE returns per position [B, T], the critic's targets */
  returns: Float32Array;
  /** verl's critic/vf_explained_var on the rollout-time values */
  explainedVariance: number;
}

export interface TokenLevelPrep {
  advantages: Float64Array[];
  ppo: PpoTargets | null;
  /** log π_ref on the batch when it was needed for the reward (reused by a k3 KL loss) */
  refLogp: Float32Array | null;
  /** ms in the policy / reference forwards, and in the critic's forward */
  forwardMs: number;
  criticMs: number;
}

export async function tokenLevelAdvantages(
  engine: TrainableModel, critic: ValueModel | null, c: GrpoConfig,
  rollouts: Rollout[], scores: RolloutScore[] | null, batch: PolicyBatch,
  referenceLogProbs: (b: PolicyBatch) => Promise<Float32Array | null>,
): Promise<TokenLevelPrep> {
  const P = rollouts.map((r) => r.promptIds.length);
  const N = rollouts.map((r) => r.completion.length);
  let forwardMs = 0;
  let refLogp: Float32Array | null = null;
  let kl: { coef: number; oldLogp: Float64Array[]; refLogp: Float64Array[] } | null = null;
  if (c.use_kl_in_reward && c.kl_coef > 0) {
    const t0 = performance.now();
    const old = (await engine.forward(batch.inputs, batch.targets, batch.B, batch.T)).logProbs.slice();
    refLogp = await referenceLogProbs(batch);
    if (refLogp === null) throw new Error('use_kl_in_reward needs the reference policy, which this run did not keep');
    forwardMs = performance.now() - t0;
    kl = { coef: c.kl_coef, oldLogp: completionRows(old, P, N, batch.T), refLogp: completionRows(refLogp, P, N, batch.T) };
  }
  const rewards = stepTokenRewards(rollouts, scores, { alpha: c.process_reward_coef, kl, processNorm: c.process_reward_norm, eps: c.advantage_eps });
  if (c.adv_estimator === 'reinforce_plus_plus') {
    return { advantages: reinforcePlusPlusAdvantages(rewards, c.gamma), ppo: null, refLogp, forwardMs, criticMs: 0 };
  }
  if (c.adv_estimator !== 'gae') throw new RangeError(`tokenLevelAdvantages: ${c.adv_estimator} is not a token-level estimator`);
  if (critic === null) throw new Error('adv_estimator "gae" (PPO) needs a critic; none was given to the trainer');
  const t0 = performance.now();
  const oldValues = await critic.values(batch.inputs, batch.B, batch.T);
  const criticMs = performance.now() - t0;
  const values = completionRows(oldValues, P, N, batch.T);
  const g = gaeAdvantages(rewards, values, c.gamma, c.lam);
  return {
    advantages: g.advantages,
    ppo: { oldValues, returns: toBatchLayout(g.returns, P, batch.T), explainedVariance: explainedVariance(g.returns, values) },
    refLogp, forwardMs, criticMs,
  };
}

export interface CriticStats {
  valueLoss: number;
  valueClipFrac: number;
  gradNorm: number;
  skipped: boolean;
  ms: number;
}

/** num_iterations × (values → clipped value loss → backward → AdamW at critic_lr); a non-finite loss or gradient is rejected. */
export async function criticUpdate(
  critic: ValueModel, batch: PolicyBatch, targets: PpoTargets, c: GrpoConfig, log: (l: string) => void,
): Promise<CriticStats> {
  const t0 = performance.now();
  let lossSum = 0;
  let clipSum = 0;
  let done = 0;
  let gradNorm = NaN;
  let skipped = false;
  const adamW = {
    learningRate: c.critic_lr, beta1: c.adam_beta1, beta2: c.adam_beta2, eps: c.adam_epsilon, weightDecay: c.weight_decay, gradClip: c.max_grad_norm,
  };
  for (let it = 0; it < c.num_iterations; it++) {
    const v = await critic.values(batch.inputs, batch.B, batch.T);
    const out = clippedValueLoss({ values: v, oldValues: targets.oldValues, returns: targets.returns, mask: batch.mask, cliprange: c.cliprange_value });
    if (!Number.isFinite(out.loss)) {
      log(`critic update ${it + 1}/${c.num_iterations}: value loss is ${out.loss}; update rejected`);
      skipped = true;
      break;
    }
    critic.zeroGrad();
    await critic.backward(out.dvalues);
    const r = await critic.step(adamW);
    gradNorm = r.gradNorm;
    lossSum += out.loss;
    clipSum += out.clipFrac;
    done++;
    if (r.skipped) {
      log(`critic update ${it + 1}/${c.num_iterations}: gradients are not finite (norm ${r.gradNorm}); step rejected`);
      skipped = true;
      break;
    }
  }
  await critic.sync();
  return { valueLoss: done ? lossSum / done : NaN, valueClipFrac: done ? clipSum / done : NaN, gradNorm, skipped, ms: performance.now() - t0 };
}
