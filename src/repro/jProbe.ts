// The one J-probe path (repro-method.md §3): which boundaries get a probe, the request that asks a
// model for log p(answer | q, τ_{≤k}, probe) at each of them, the one rule for whether a probe fits
// in a model's context, and J from the log-probs that come back. The inspector's scorer, RL
// scoring and evaluation all build their probes here. Pure.
import { objectiveJ } from './objectiveJ.ts';
import type { TokenSpan } from './types.ts';

/** Log-probs of `continuation[scoreFrom:]` after `context[0:b]` for every boundary b (KV branching on GPU). */
export interface ProbeRequest {
  context: number[];
  boundaries: number[]; // token counts into context, each 0 … context.length
  continuation: number[]; // probe tokens then answer tokens
  scoreFrom: number; // index in continuation of the first scored token
}

/**
 * Whether a probe branched after `prefixLength` context tokens fits in `blockSize` positions: it
 * feeds the continuation minus its last token (that one is only predicted), so it needs
 * prefixLength + continuationLength − 1 positions.
 */
export function probeFits(prefixLength: number, continuationLength: number, blockSize: number): boolean {
  return prefixLength + continuationLength - 1 <= blockSize;
}

export interface JProbeInput {
  promptIds: number[];
  /** the CoT's tokens, in the context of the prompt */
  cotIds: number[];
  /** the segments' token ranges into cotIds (repro-method.md §2) */
  tokenSpans: TokenSpan[];
  probeIds: number[];
  answerIds: number[];
  /** segments (0-based, ascending) to measure J after; default every segment (the full trajectory) */
  segments?: number[];
  /** the model's context; default unbounded */
  blockSize?: number;
}

export interface JProbePlan {
  /** boundaries: J_0 (the prompt alone), then the end of each segment in `segments` */
  request: ProbeRequest;
  /** the segments probed, in order: boundary b + 1 is the end of segments[b] */
  segments: number[];
  /** asked-for segments whose probe does not fit in the block (not probed) */
  unfit: number[];
}

/** The probe request of one trajectory; null when even J_0's probe (prompt + probe + answer) does not fit. */
export function planJProbe(input: JProbeInput): JProbePlan | null {
  const { promptIds, cotIds, tokenSpans, probeIds, answerIds } = input;
  if (answerIds.length === 0) throw new RangeError('a J probe needs at least one answer token');
  const blockSize = input.blockSize ?? Infinity;
  const continuation = probeIds.concat(answerIds);
  const P = promptIds.length;
  if (!probeFits(P, continuation.length, blockSize)) return null;
  const asked = input.segments ?? tokenSpans.map((_, k) => k);
  const segments: number[] = [];
  const unfit: number[] = [];
  for (const k of asked) {
    const span = tokenSpans[k];
    if (!span) throw new RangeError(`segment ${k} does not exist (${tokenSpans.length} segments)`);
    (probeFits(P + span.end, continuation.length, blockSize) ? segments : unfit).push(k);
  }
  return {
    request: {
      context: promptIds.concat(cotIds),
      boundaries: [P, ...segments.map((k) => P + tokenSpans[k].end)],
      continuation,
      scoreFrom: probeIds.length,
    },
    segments,
    unfit,
  };
}

/** J at one boundary from its answer-token log-probs (repro-method.md §3); errors say where. */
export function jAt(answerLogProbs: ArrayLike<number>, where: string): number {
  try {
    return objectiveJ(answerLogProbs);
  } catch (e) {
    throw new RangeError(`${where}: ${(e as Error).message}`);
  }
}

/** J at every boundary of a probe request's answer log-probs, [boundary][answer token]. */
export function jTrajectory(answerLogProbs: ArrayLike<number>[], where: string): number[] {
  return answerLogProbs.map((lp, b) => jAt(lp, `${where}, J at boundary ${b}`));
}
