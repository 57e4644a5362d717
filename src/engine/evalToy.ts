// Evaluation of a toy reasoner (any TrainableModel) on held-out problems: generation through
// model.sample, the task's verifier and segment classification, backtracking markers and the full
// J trajectory of every response (J at each segment boundary through model.probeLogProbs with
// the toy probe = the answer marker, repro-method.md §3) → overthinkingMetrics (§10).
// GPU-free: the caller brings the model.
import type { TrainableModel } from './types.ts';
import type { Trajectory } from '../repro/types.ts';
import { objectiveJ } from '../repro/objectiveJ.ts';
import { overthinkingMetrics, type OverthinkingMetrics } from '../repro/overthinkingMetrics.ts';
import { parseRollout, type Rollout } from '../rl/rollout.ts';
import { ANSWER_MARKER, formatPrompt, SEGMENT_DELIMITER } from '../task/format.ts';
import type { Problem } from '../task/problem.ts';
import { classifySegments, type SegmentKind } from '../task/classify.ts';
import { toyTokenizer } from '../task/tokenizer.ts';
import { verifyAnswer } from '../task/verify.ts';
import { EOS_ID } from '../task/vocab.ts';

export interface EvalToyOptions {
  /** 0 = greedy (default) */
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  /** default: the model's blockSize (generation also stops at the block end) */
  maxNewTokens?: number;
  /** prompts per sample / probe call (bounds the KV cache); default 100 */
  chunkSize: number;
  /** measure J trajectories (one probe per segment boundary); default true */
  probeJ: boolean;
  /** repro-method.md §6 weight, for S(K) */
  w: number;
}

export const DEFAULT_EVAL_TOY_OPTIONS: EvalToyOptions = {
  temperature: 0, topK: 0, topP: 1, seed: 1, chunkSize: 100, probeJ: true, w: 0.5,
};

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
  hasRedundant: boolean;
  hasBacktracking: boolean;
  hasWrongStep: boolean;
  /** J_0 … J_K, or null when not probed (probeJ off, or the probe does not fit in the block) */
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
}

export async function evaluateToy(
  model: TrainableModel, problems: Problem[], options: Partial<EvalToyOptions> = {},
): Promise<{ summary: ToyEvalSummary; responses: ResponseEval[] }> {
  const o = { ...DEFAULT_EVAL_TOY_OPTIONS, ...options };
  if (!Array.isArray(problems) || problems.length === 0) throw new RangeError('evaluateToy: problems must be a non-empty array');
  if (!Number.isInteger(o.chunkSize) || o.chunkSize <= 0) throw new RangeError(`evaluateToy: options.chunkSize must be a positive integer, got ${o.chunkSize}`);
  const responses: ResponseEval[] = [];
  for (let at = 0; at < problems.length; at += o.chunkSize) {
    responses.push(...await evaluateChunk(model, problems.slice(at, at + o.chunkSize), o, at));
  }
  return { summary: summarizeToyEval(responses), responses };
}

async function evaluateChunk(model: TrainableModel, problems: Problem[], o: EvalToyOptions, seedOffset: number): Promise<ResponseEval[]> {
  const prompts = problems.map((p) => toyTokenizer.encode(formatPrompt(p.question)));
  const sampled = await model.sample(prompts, {
    maxNewTokens: o.maxNewTokens ?? model.config.blockSize, temperature: o.temperature, topK: o.topK, topP: o.topP,
    seed: o.seed + seedOffset, stopIds: [EOS_ID],
  });
  const rollouts = problems.map((p, i) => parseRollout(i, p, prompts[i], sampled.tokens[i], sampled.entropy[i], SEGMENT_DELIMITER));
  const probes = o.probeJ ? await probeAnswer(model, rollouts) : rollouts.map(() => null);
  return rollouts.map((r, i) => describeResponse(r, probes[i], o.w));
}

/**
 * Per rollout, log p of each answer token at boundaries 0 … K (null when prompt + CoT + probe +
 * answer exceeds the block).
 */
async function probeAnswer(model: TrainableModel, rollouts: Rollout[]): Promise<(number[][] | null)[]> {
  const probeIds = toyTokenizer.encode(ANSWER_MARKER);
  const fits = rollouts.map((r) => r.promptIds.length + r.cotTokens + probeIds.length + toyTokenizer.encode(r.problem.answer).length - 1 <= model.config.blockSize);
  const index = rollouts.map((_, i) => i).filter((i) => fits[i]);
  const requests = index.map((i) => {
    const r = rollouts[i];
    return {
      context: r.promptIds.concat(r.completion.slice(0, r.cotTokens)),
      // boundary 0 of J is the empty CoT (repro-method.md §3), then the end of each segment
      boundaries: [r.promptIds.length, ...r.tokenSpans.map((s) => r.promptIds.length + s.end)],
      continuation: probeIds.concat(toyTokenizer.encode(r.problem.answer)),
      scoreFrom: probeIds.length,
    };
  });
  const logProbs = requests.length > 0 ? await model.probeLogProbs(requests) : [];
  const out: (number[][] | null)[] = rollouts.map(() => null);
  index.forEach((i, q) => { out[i] = logProbs[q]; });
  return out;
}

function describeResponse(r: Rollout, answerLogProbs: number[][] | null, w: number): ResponseEval {
  const J = answerLogProbs ? answerLogProbs.map((lp) => objectiveJ(lp)) : null; // repro-method.md §3
  const labels = classifySegments(r.cot, { spans: r.segments, problem: r.problem });
  const segments = labels.map((l, k): SegmentEval => ({
    text: l.text, kind: l.kind, backtracking: l.backtracking,
    tokens: r.tokenSpans[k].end - r.tokenSpans[k].start, J: J ? J[k + 1] : null,
  }));
  let metrics: OverthinkingMetrics | null = null;
  if (J && answerLogProbs) {
    const t: Trajectory = {
      question: r.problem.question, cot: r.cot, answer: r.problem.answer, probe: ANSWER_MARKER,
      segments: r.segments, cotTokens: r.completion.slice(0, r.cotTokens), tokenOffsets: r.tokenOffsets,
      tokenSpans: r.tokenSpans, J, answerLogProbs, tokenEntropy: r.entropy.slice(0, r.cotTokens),
      firstTokenEntropy: r.firstTokenEntropy,
    };
    metrics = overthinkingMetrics(t, { w }); // repro-method.md §10
  }
  return {
    question: r.problem.question,
    answer: r.problem.answer,
    completion: r.text,
    correct: verifyAnswer(r.problem, r.text).correct,
    cotTokens: r.cotTokens,
    segments,
    hasRedundant: labels.some((l) => l.kind === 'redundant'),
    hasBacktracking: r.backtracking.length > 0,
    hasWrongStep: labels.some((l) => l.kind === 'wrong'),
    J,
    metrics,
  };
}

const KINDS: (SegmentKind | 'backtracking')[] = ['step', 'redundant', 'wrong', 'correction', 'other', 'backtracking'];

/** Aggregates per-response evaluations (pure). */
export function summarizeToyEval(responses: ResponseEval[]): ToyEvalSummary {
  const n = responses.length;
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const share = (f: (r: ResponseEval) => boolean) => mean(responses.map((r) => (f(r) ? 1 : 0)));
  const probed = responses.filter((r) => r.metrics !== null && r.J !== null);
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
    shareRedundant: share((r) => r.hasRedundant),
    shareBacktracking: share((r) => r.hasBacktracking),
    shareRedundantOrBacktracking: share((r) => r.hasRedundant || r.hasBacktracking),
    shareWrongStep: share((r) => r.hasWrongStep),
    probed: probed.length,
    meanTokensAfterCertainty: mean(probed.map((r) => r.metrics!.tokensAfterCertainty)),
    meanPlateaus: mean(probed.map((r) => r.metrics!.plateaus)),
    meanFinalScore: mean(probed.map((r) => r.metrics!.finalScore)),
    meanJ0: mean(probed.map((r) => r.J![0])),
    meanJK: mean(probed.map((r) => r.J![r.J!.length - 1])),
    jGain: Object.fromEntries(KINDS.map((k) => [k, { count: gains[k].length, mean: mean(gains[k]) }])) as ToyEvalSummary['jGain'],
  };
}
