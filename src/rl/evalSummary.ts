// What an evaluation of a toy policy reports, per response and in aggregate (pure).
import type { OverthinkingMetrics } from '../repro/overthinkingMetrics.ts';
import type { SegmentKind } from '../task/classify.ts';
import type { EvalMetrics } from './metrics.ts';

export interface SegmentEval {
  /** segment text without surrounding whitespace */
  text: string;
  kind: SegmentKind;
  /** opens with a repro-method.md §10 marker */
  backtracking: boolean;
  tokens: number;
  /** J after this segment (J_k, k = its 1-based index), or null when not probed */
  J: number | null;
}

export interface ResponseEval {
  question: string;
  answer: string;
  /** the decoded completion (CoT + answer marker + answer + <eos> when the model got there) */
  completion: string;
  correct: boolean;
  cotTokens: number;
  segments: SegmentEval[];
  /** backtracking segments (repro-method.md §10 markers) */
  backtrackingSegments: number;
  hasRedundant: boolean;
  hasBacktracking: boolean;
  hasWrongStep: boolean;
  /** J_0 … J_K, or null when not probed (probeJ off, or a probe does not fit in the block) */
  J: number[] | null;
  metrics: OverthinkingMetrics | null;
}

/** Mean J change over segments of one class: J_k − J_{k−1} for each segment k of that class. */
export interface JGain { count: number; mean: number }

export interface ToyEvalSummary {
  n: number;
  accuracy: number;
  meanCotTokens: number;
  meanSegments: number;
  /** mean backtracking segments per response (repro-method.md §10) */
  meanBacktracking: number;
  /** share of responses with ≥ 1 redundant segment (task classification) */
  shareRedundant: number;
  /** share of responses with ≥ 1 backtracking segment (repro-method.md §10 markers) */
  shareBacktracking: number;
  /** share with either: the overthinking RePro should remove */
  shareRedundantOrBacktracking: number;
  /** share with ≥ 1 wrong step */
  shareWrongStep: number;
  /** responses with a J trajectory; the means below are over them */
  probed: number;
  meanTokensAfterCertainty: number;
  meanPlateaus: number;
  meanFinalScore: number;
  meanJ0: number;
  meanJK: number;
  /** J gain per segment class, plus 'backtracking' (any class opening with a marker) */
  jGain: Record<SegmentKind | 'backtracking', JGain>;
  /**
   * Accuracy of concise responses vs overthinking ones (a redundant or backtracking segment): can
   * the outcome reward already tell them apart? gap = concise − overthinking, null when a group is
   * empty (e.g. greedy decoding, which writes concise traces).
   */
  overthinkingSplit: { concise: GroupAccuracy; overthinking: GroupAccuracy; gap: number | null };
}

export interface GroupAccuracy { n: number; accuracy: number }

const KINDS: (SegmentKind | 'backtracking')[] = ['step', 'redundant', 'wrong', 'correction', 'other', 'backtracking'];

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Aggregates per-response evaluations (pure). */
export function summarizeToyEval(responses: ResponseEval[]): ToyEvalSummary {
  const n = responses.length;
  const share = (f: (r: ResponseEval) => boolean) => mean(responses.map((r) => (f(r) ? 1 : 0)));
  const probed = responses.filter((r) => r.metrics !== null && r.J !== null);
  const overthinks = (r: ResponseEval) => r.hasRedundant || r.hasBacktracking;
  const group = (rs: ResponseEval[]): GroupAccuracy => ({ n: rs.length, accuracy: mean(rs.map((r) => (r.correct ? 1 : 0))) });
  const concise = group(responses.filter((r) => !overthinks(r)));
  const overthinking = group(responses.filter(overthinks));
  const gains: Record<string, number[]> = Object.fromEntries(KINDS.map((k) => [k, []]));
  for (const r of probed) {
    r.segments.forEach((s, k) => {
      const gain = r.J![k + 1] - r.J![k];
      gains[s.kind].push(gain);
      if (s.backtracking) gains.backtracking.push(gain);
    });
  }
  return {
    n,
    accuracy: share((r) => r.correct),
    meanCotTokens: mean(responses.map((r) => r.cotTokens)),
    meanSegments: mean(responses.map((r) => r.segments.length)),
    meanBacktracking: mean(responses.map((r) => r.backtrackingSegments)),
    shareRedundant: share((r) => r.hasRedundant),
    shareBacktracking: share((r) => r.hasBacktracking),
    shareRedundantOrBacktracking: share(overthinks),
    shareWrongStep: share((r) => r.hasWrongStep),
    probed: probed.length,
    meanTokensAfterCertainty: mean(probed.map((r) => r.metrics!.tokensAfterCertainty)),
    meanPlateaus: mean(probed.map((r) => r.metrics!.plateaus)),
    meanFinalScore: mean(probed.map((r) => r.metrics!.finalScore)),
    meanJ0: mean(probed.map((r) => r.J![0])),
    meanJK: mean(probed.map((r) => r.J![r.J!.length - 1])),
    jGain: Object.fromEntries(KINDS.map((k) => [k, { count: gains[k].length, mean: mean(gains[k]) }])) as ToyEvalSummary['jGain'],
    overthinkingSplit: { concise, overthinking, gap: concise.n && overthinking.n ? concise.accuracy - overthinking.accuracy : null },
  };
}

/** The trainer's held-out metrics (charts, run files) from a summary. */
export function evalMetricsOf(s: ToyEvalSummary): Omit<EvalMetrics, 'step'> {
  return {
    accuracy: s.accuracy,
    cotTokens: s.meanCotTokens,
    backtracking: s.meanBacktracking,
    tokensAfterCertainty: s.meanTokensAfterCertainty,
    n: s.n,
  };
}
