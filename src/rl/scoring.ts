// RePro scoring of a step's rollouts (repro-method.md §3, §7, §8): keep the top-k segments by
// first-token entropy, measure J at the baseline and at the end of each kept segment with ONE
// batched engine.probeLogProbs call for the whole step (KV branching on the GPU; the requests
// from the one J-probe path, src/repro/jProbe.ts), and turn each filtered trajectory into process
// rewards.
import type { TrainableModel } from '../engine/types.ts';
import { jTrajectory, planJProbe, type JProbePlan } from '../repro/jProbe.ts';
import { processRewards } from '../repro/processRewards.ts';
import { selectTopKByEntropy } from '../repro/selectTopKByEntropy.ts';
import type { Rollout } from './rollout.ts';

export interface RolloutScore {
  /** kept segments k_1 < … < k_M (0-based), those J was measured after */
  kept: number[];
  /** the filtered trajectory (J_0, J_{k_1}, …, J_{k_M}) of repro-method.md §7, not the full J_0…J_K */
  filteredJ: number[];
  /** r_1 … r_M (repro-method.md §8), r_j belongs to segment kept[j] */
  rewards: number[];
  /** exclusive token end (into the completion) of each kept segment */
  segmentEnds: number[];
}

export interface ScoringOptions {
  /** topK of repro-method.md §7 */
  topK: number;
  /** w of repro-method.md §6 */
  w: number;
  /** ε of repro-method.md §4 (default 1e-6) */
  eps?: number;
  /**
   * the probe then the ground-truth answer tokens are appended at each boundary (repro-method.md §3);
   * default: the rollout's own (its model's format read them: Rollout.probeIds, Rollout.answerIds)
   */
  probeIds?: number[];
  answerIds?: (r: Rollout) => number[];
  /** the engine's block size: boundaries whose probe would not fit are not kept */
  blockSize: number;
}

/** The probe plan of one rollout: its top-k non-empty segments by first-token entropy (§7) that fit. */
export function rolloutProbePlan(r: Rollout, opts: ScoringOptions): JProbePlan {
  const ranked = r.tokenSpans.length > 0 ? selectTopKByEntropy(r.firstTokenEntropy, opts.topK) : [];
  const plan = planJProbe({
    promptIds: r.promptIds,
    cotIds: r.completion.slice(0, r.cotTokens),
    tokenSpans: r.tokenSpans,
    probeIds: opts.probeIds ?? r.probeIds,
    answerIds: opts.answerIds ? opts.answerIds(r) : r.answerIds,
    segments: ranked.filter((k) => r.tokenSpans[k].end > r.tokenSpans[k].start),
    blockSize: opts.blockSize,
  });
  if (!plan) throw new RangeError(`rollout of group ${r.group}: prompt + probe + answer exceed blockSize ${opts.blockSize}`);
  return plan;
}

/** Scores every rollout; a rollout with no (probe-able) segment gets empty rewards and J = [J_0]. */
export async function scoreRollouts(
  engine: Pick<TrainableModel, 'probeLogProbs'>,
  rollouts: Rollout[],
  opts: ScoringOptions,
): Promise<RolloutScore[]> {
  const plans = rollouts.map((r) => rolloutProbePlan(r, opts));
  const logProbs = plans.length > 0 ? await engine.probeLogProbs(plans.map((p) => p.request)) : [];
  return plans.map(({ segments }, i) => {
    const filteredJ = jTrajectory(logProbs[i], `rollout ${i}`);
    return {
      kept: segments,
      filteredJ,
      rewards: processRewards(filteredJ, { w: opts.w, eps: opts.eps }),
      segmentEnds: segments.map((k) => rollouts[i].tokenSpans[k].end),
    };
  });
}
