// Per-token advantages of a whole step, group by group (repro-method.md §9). Pure.
import {
  combineAdvantages, normalizeProcessRewards, outcomeAdvantages, processAdvantages,
} from './advantages.ts';
import type { Rollout } from './rollout.ts';
import type { RolloutScore } from './scoring.ts';

export interface AdvantageOptions {
  /** α, the process coefficient; 0 = outcome-only */
  alpha: number;
  /** ε added to the std */
  eps: number;
}

/**
 * A_{i,t} for every completion token of every rollout. Rollouts of the same `group` (prompt) form
 * a GRPO group. `scores` may be null (α = 0: no probes), else one per rollout.
 */
export function stepAdvantages(
  rollouts: Rollout[], scores: RolloutScore[] | null, opts: AdvantageOptions,
): Float64Array[] {
  if (scores !== null && scores.length !== rollouts.length) {
    throw new RangeError(`scores has ${scores.length} entries for ${rollouts.length} rollouts`);
  }
  if (opts.alpha > 0 && scores === null) throw new RangeError('scores are required when alpha > 0');
  const out: Float64Array[] = new Array(rollouts.length);
  const groups = new Map<number, number[]>();
  rollouts.forEach((r, i) => {
    const g = groups.get(r.group);
    if (g) g.push(i);
    else groups.set(r.group, [i]);
  });
  for (const members of groups.values()) {
    const aOut = outcomeAdvantages(members.map((i) => rollouts[i].reward), opts.eps);
    const rTilde = scores !== null && opts.alpha > 0
      ? normalizeProcessRewards(members.map((i) => scores[i].rewards), opts.eps)
      : null;
    members.forEach((i, m) => {
      const n = rollouts[i].completion.length;
      const aProc = rTilde !== null
        ? processAdvantages(rTilde[m], scores![i].segmentEnds, n)
        : new Float64Array(n);
      out[i] = combineAdvantages(aOut[m], aProc, opts.alpha);
    });
  }
  return out;
}
