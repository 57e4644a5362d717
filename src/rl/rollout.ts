// One sampled completion of the toy task, read apart into what GRPO and RePro need: the CoT
// (the text before the answer marker), its segments and token spans (repro-method.md §2), the
// first-token entropies (§7), the verifier's reward and the backtracking count (§10). Pure.
import type { Span, TokenSpan } from '../repro/types.ts';
import { segmentCot } from '../repro/segmentCot.ts';
import { tokenSpansFromOffsets } from '../repro/tokenSpans.ts';
import { findBacktracking } from '../repro/backtracking.ts';
import { ANSWER_MARKER } from '../task/format.ts';
import type { Problem } from '../task/problem.ts';
import { verifyAnswer } from '../task/verify.ts';
import { toyTokenizer } from '../task/tokenizer.ts';
import { EOS_ID } from '../task/vocab.ts';

export interface Rollout {
  /** index of the prompt (the GRPO group) in the step's batch */
  group: number;
  problem: Problem;
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
}

/** Reads one completion apart. `delimiter` is the segment delimiter (repro-method.md §2). */
export function parseRollout(
  group: number,
  problem: Problem,
  promptIds: number[],
  completion: number[],
  entropy: number[],
  delimiter: string | RegExp,
): Rollout {
  if (entropy.length !== completion.length) {
    throw new RangeError(`entropy has ${entropy.length} values for ${completion.length} completion tokens (group ${group})`);
  }
  // Per-token text, so char offsets are exact for any tokenizer that decodes token by token.
  const pieces = completion.map((id) => toyTokenizer.decode([id]));
  const text = pieces.join('');
  const markerAt = text.indexOf(ANSWER_MARKER);
  const offsets: number[] = [];
  let at = 0;
  let cotTokens = 0;
  for (let t = 0; t < completion.length; t++) {
    const endsCot = markerAt >= 0 ? at >= markerAt : completion[t] === EOS_ID;
    if (endsCot) break;
    offsets.push(at);
    at += pieces[t].length;
    cotTokens++;
  }
  const cot = text.slice(0, at);
  const segments = segmentCot(cot, { delimiter });
  const tokenSpans = tokenSpansFromOffsets(segments, offsets);
  const firstTokenEntropy = tokenSpans.map((s) => (s.end > s.start ? entropy[s.start] : 0));
  const reward = verifyAnswer(problem, text).correct ? 1 : 0;
  return {
    group, problem, promptIds, completion, entropy, text, cot, cotTokens,
    tokenOffsets: offsets, segments, tokenSpans, firstTokenEntropy, reward,
    backtracking: findBacktracking(cot, segments),
  };
}

/** Mean of a list, 0 when empty. */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}
