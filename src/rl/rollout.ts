// One sampled completion of a task, read apart through the model's format into what GRPO and
// RePro need: the CoT (the text before the answer marker), its segments and token spans
// (repro-method.md §2), the first-token entropies (§7), the verifier's reward, the backtracking
// count (§10), the probe and answer ids J is measured with (§3) and the segments' labels. Pure.
import type { Span, TokenSpan } from '../repro/types.ts';
import { segmentCot } from '../repro/segmentCot.ts';
import { tokenSpansFromOffsets } from '../repro/tokenSpans.ts';
import { findBacktracking } from '../repro/backtracking.ts';
import { TOY_ENV } from './task/env.ts';
import type { SegmentLabelLite, TaskEnv, TaskItem } from './task/types.ts';

export interface Rollout<I extends TaskItem = TaskItem> {
  /** index of the prompt (the GRPO group) in the step's batch */
  group: number;
  /** the task's item: question and ground-truth answer (a toy Problem on the toy task) */
  problem: I;
  promptIds: number[];
  /** generated ids (prompt excluded, <eos> included when emitted) */
  completion: number[];
  /** sampling entropy (nats) of the distribution of each completion token */
  entropy: number[];
  /** decoded completion */
  text: string;
  /** the CoT: completion text before the answer marker (all of it, up to <eos>, when there is none) */
  cot: string;
  /** the first cotTokens completion tokens are the CoT */
  cotTokens: number;
  /** char offset in `cot` where each CoT token starts */
  tokenOffsets: number[];
  segments: Span[];
  /** token ranges of the segments, into the completion (= into the CoT, which starts it) */
  tokenSpans: TokenSpan[];
  /** H_k: entropy at the first token of each segment (repro-method.md §7); 0 for a token-less segment */
  firstTokenEntropy: number[];
  /** R_i: 1 correct, 0 wrong (the outcome verifier) */
  reward: number;
  /** 0-based indices of the backtracking segments (repro-method.md §10) */
  backtracking: number[];
  /** the probe text and the probe's and the ground-truth answer's ids after this CoT (repro-method.md §3) */
  probe: string;
  probeIds: number[];
  answerIds: number[];
  /** per segment: its text, class (the toy's classifier; 'other' on other tasks) and §10 marker */
  labels: SegmentLabelLite[];
}

/**
 * Reads one completion apart. `delimiter` is the segment delimiter (repro-method.md §2); `env` the
 * task and the model's format (default: the toy task on the toy model).
 */
export function parseRollout<I extends TaskItem>(
  group: number,
  problem: I,
  promptIds: number[],
  completion: number[],
  entropy: number[],
  delimiter: string | RegExp,
  env: TaskEnv<I> = TOY_ENV as unknown as TaskEnv<I>,
): Rollout<I> {
  if (entropy.length !== completion.length) {
    throw new RangeError(`entropy has ${entropy.length} values for ${completion.length} completion tokens (group ${group})`);
  }
  const { task, format } = env;
  const { text, offsets: starts } = format.readCompletion(completion);
  const markerAt = format.cotEnd(text);
  // The CoT: the tokens that start before the answer marker; without one, those before a stop id.
  let cotTokens = 0;
  while (cotTokens < completion.length && (markerAt >= 0 ? starts[cotTokens] < markerAt : !format.stopIds.includes(completion[cotTokens]))) cotTokens++;
  const at = cotTokens < completion.length ? starts[cotTokens] : text.length;
  const offsets = starts.slice(0, cotTokens);
  const cot = text.slice(0, at);
  const segments = segmentCot(cot, { delimiter });
  const tokenSpans = tokenSpansFromOffsets(segments, offsets);
  const firstTokenEntropy = tokenSpans.map((s) => (s.end > s.start ? entropy[s.start] : 0));
  const reward = task.reward(problem, text, format);
  const backtracking = findBacktracking(cot, segments, { markers: task.markers });
  const cotIds = completion.slice(0, cotTokens);
  const { probeIds, answerIds } = format.probeTokens(problem.answer, { promptText: format.promptText(task.userText(problem)), promptIds, cot, cotIds });
  const marked = new Set(backtracking);
  const labels = task.classify
    ? task.classify(cot, segments, problem).map(({ text: t, kind, backtracking: b }) => ({ text: t, kind, backtracking: b }))
    : segments.map((s, k) => ({ text: cot.slice(s.start, s.end).trim(), kind: 'other' as const, backtracking: marked.has(k) }));
  return {
    group, problem, promptIds, completion, entropy, text, cot, cotTokens,
    tokenOffsets: offsets, segments, tokenSpans, firstTokenEntropy, reward, backtracking,
    probe: format.probe, probeIds, answerIds, labels,
  };
}

/** Mean of a list, 0 when empty. */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}
