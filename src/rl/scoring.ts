// RePro scoring of a step's rollouts (repro-method.md §3, §7, §8): keep the top-k segments by
// first-token entropy, measure J at the baseline and at the end of each kept segment with ONE
// batched engine.probeLogProbs call for the whole step (KV branching on the GPU), and turn each
// filtered trajectory into process rewards.
import type { TrainableModel, ProbeRequest } from '../engine/types.ts';
import { objectiveJ } from '../repro/objectiveJ.ts';
import { processRewards } from '../repro/processRewards.ts';
import { selectTopKByEntropy } from '../repro/selectTopKByEntropy.ts';
import type { Rollout } from './rollout.ts';

export interface RolloutScore {
  /** kept segments k_1 < … < k_M (0-based), those J was measured after */
  kept: number[];
  /** (J_0, J_{k_1}, …, J_{k_M}) */
  J: number[];
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
  /** the probe then the ground-truth answer tokens are appended at each boundary (repro-method.md §3) */
  probeIds: number[];
  answerIds: (r: Rollout) => number[];
  /** the engine's block size: boundaries whose probe would not fit are not kept */
  blockSize: number;
}

/** Scores every rollout; a rollout with no (probe-able) segment gets empty rewards and J = [J_0]. */
export async function scoreRollouts(
  engine: Pick<TrainableModel, 'probeLogProbs'>,
  rollouts: Rollout[],
  opts: ScoringOptions,
): Promise<RolloutScore[]> {
  const requests: ProbeRequest[] = [];
  const plans = rollouts.map((r) => {
    const continuation = opts.probeIds.concat(opts.answerIds(r));
    const P = r.promptIds.length;
    const fits = (tokenEnd: number) => P + tokenEnd + continuation.length - 1 <= opts.blockSize;
    const ranked = r.tokenSpans.length > 0 ? selectTopKByEntropy(r.firstTokenEntropy, opts.topK) : [];
    const kept = ranked.filter((k) => r.tokenSpans[k].end > r.tokenSpans[k].start && fits(r.tokenSpans[k].end));
    const segmentEnds = kept.map((k) => r.tokenSpans[k].end);
    if (!fits(0)) throw new RangeError(`rollout of group ${r.group}: prompt + probe + answer exceed blockSize ${opts.blockSize}`);
    requests.push({
      context: r.promptIds.concat(r.completion.slice(0, r.cotTokens)),
      boundaries: [P, ...segmentEnds.map((e) => P + e)],
      continuation,
      scoreFrom: opts.probeIds.length,
    });
    return { kept, segmentEnds };
  });
  const logProbs = requests.length > 0 ? await engine.probeLogProbs(requests) : [];
  return plans.map(({ kept, segmentEnds }, i) => {
    const J = logProbs[i].map((lp, b) => {
      try {
        return objectiveJ(lp);
      } catch (e) {
        throw new RangeError(`J of rollout ${i} at boundary ${b}: ${(e as Error).message}`);
      }
    });
    return { kept, J, rewards: processRewards(J, { w: opts.w, eps: opts.eps }), segmentEnds };
  });
}
