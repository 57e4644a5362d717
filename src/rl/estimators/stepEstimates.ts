// Per-token advantages (and, for PPO, returns) of a whole step for the token-level estimators
// (repro-method.md §11): token rewards → GAE or REINFORCE++ return-to-go → whitening over the batch.
// Pure; arrays are completion-indexed (one entry per completion token of each rollout).
import type { Rollout } from '../rollout.ts';
import type { RolloutScore } from '../scoring.ts';
import { discountedReturns, gae } from './gae.ts';
import { tokenRewards } from './tokenRewards.ts';
import { normalizeProcessRewards } from '../advantages.ts';
import { whitenBatch } from './whiten.ts';

export interface StepRewardOptions {
  alpha: number;
  /**
   * 'group': each rollout's r_j replaced by r̃_j, normalised over all process rewards of its group
   * (rollouts with the same `group`), as repro-method.md §9 does before α; 'none' (default): raw r_j
   */
  processNorm?: 'none' | 'group';
  /** ε of the group normalisation (advantage_eps) */
  eps?: number;
  /** k1 KL in the reward (use_kl_in_reward): coefficient and per-rollout log-probs; null = off */
  kl?: { coef: number; oldLogp: ArrayLike<number>[]; refLogp: ArrayLike<number>[] } | null;
}

/** r_t of every rollout. `scores` may be null (α = 0: no probes). */
export function stepTokenRewards(rollouts: Rollout[], scores: RolloutScore[] | null, opts: StepRewardOptions): Float64Array[] {
  if (scores !== null && scores.length !== rollouts.length) throw new RangeError(`scores has ${scores.length} entries for ${rollouts.length} rollouts`);
  if (opts.alpha > 0 && scores === null) throw new RangeError('scores are required when alpha > 0');
  const kl = opts.kl ?? null;
  const processRewards = opts.alpha > 0 && opts.processNorm === 'group' ? groupNormalized(rollouts, scores!, opts.eps) : scores?.map((s) => s.rewards);
  return rollouts.map((r, i) => {
    const s = opts.alpha > 0 ? scores![i] : null;
    return tokenRewards({
      length: r.completion.length, outcome: r.reward, alpha: opts.alpha,
      processRewards: s ? processRewards![i] : null, segmentEnds: s?.segmentEnds ?? null,
      kl: kl === null ? null : { coef: kl.coef, oldLogp: kl.oldLogp[i], refLogp: kl.refLogp[i] },
    });
  });
}

/** r̃ of every rollout: its group's process rewards normalised over all of them (repro-method.md §9). */
function groupNormalized(rollouts: Rollout[], scores: RolloutScore[], eps?: number): number[][] {
  const out: number[][] = scores.map((s) => s.rewards);
  const groups = new Map<number, number[]>();
  rollouts.forEach((r, i) => groups.set(r.group, [...(groups.get(r.group) ?? []), i]));
  for (const members of groups.values()) {
    const norm = normalizeProcessRewards(members.map((i) => scores[i].rewards), eps);
    members.forEach((i, m) => { out[i] = norm[m]; });
  }
  return out;
}

/** REINFORCE++: discounted return-to-go, whitened over all tokens of the batch (not per group). */
export function reinforcePlusPlusAdvantages(rewards: Float64Array[], gamma: number): Float64Array[] {
  return whitenBatch(rewards.map((r) => discountedReturns(r, gamma)), 'returns');
}

export interface GaeStep {
  /** whitened over the batch: what the policy loss takes */
  advantages: Float64Array[];
  /** A + V, the critic's targets (not whitened) */
  returns: Float64Array[];
}

/** PPO: GAE per response with the critic's values, advantages whitened over the batch. */
export function gaeAdvantages(rewards: Float64Array[], values: ArrayLike<number>[], gamma: number, lam: number): GaeStep {
  if (values.length !== rewards.length) throw new RangeError(`values has ${values.length} rows for ${rewards.length} rollouts`);
  const per = rewards.map((r, i) => gae(r, values[i], gamma, lam));
  return { advantages: whitenBatch(per.map((p) => p.advantages), 'advantages'), returns: per.map((p) => p.returns) };
}

/**
 * Completion-indexed views of a [B, T] per-position array laid out as buildPolicyBatch lays it
 * out: completion token c of row i is predicted at position P_i − 1 + c.
 */
export function completionRows(flat: ArrayLike<number>, promptLengths: number[], completionLengths: number[], T: number): Float64Array[] {
  return promptLengths.map((P, i) => {
    const n = completionLengths[i];
    if (P + n - 1 > T) throw new RangeError(`row ${i}: ${P} prompt + ${n} completion tokens do not fit T = ${T}`);
    const out = new Float64Array(n);
    for (let c = 0; c < n; c++) out[c] = flat[i * T + P - 1 + c];
    return out;
  });
}

/** The inverse: completion-indexed rows into a [B, T] Float32Array, 0 elsewhere. */
export function toBatchLayout(rows: ArrayLike<number>[], promptLengths: number[], T: number): Float32Array {
  const out = new Float32Array(rows.length * T);
  rows.forEach((row, i) => {
    const P = promptLengths[i];
    if (P + row.length - 1 > T) throw new RangeError(`row ${i}: ${P} prompt + ${row.length} completion tokens do not fit T = ${T}`);
    for (let c = 0; c < row.length; c++) out[i * T + P - 1 + c] = row[c];
  });
  return out;
}
