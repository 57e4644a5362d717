// The text format of a toy trace (documented with examples in docs/toy-task.md):
//
//   <bos>457+386=?\n                  prompt (formatPrompt)
//   7+6=13\n\n5+8+1=14\n\n4+3+1=8\n\n  CoT: one segment per step, each ending in the blank-line
//                                     delimiter of repro-method.md §2
//   Answer: 843<eos>                  probe (the answer marker) + answer + <eos>
//
// Every segment, the last included, ends in "\n\n", so prompt + τ_{≤k} + probe is exactly what a
// trace truncated after segment k looks like: J_k (repro-method.md §3) probes in-distribution.
import { BOS } from './vocab.ts';

/** The blank-line delimiter between CoT segments (repro-method.md §2). */
export const SEGMENT_DELIMITER = '\n\n';

/** The answer marker = the toy model's probe text (repro-method.md §3). Never occurs in a CoT. */
export const ANSWER_MARKER = 'Answer: ';

/** Longest trace, in tokens (the toy model's block size). */
export const MAX_SEQUENCE_TOKENS = 128;

/** The question as a user would type it. */
export function formatQuestion(a: number, b: number): string {
  return `${a}+${b}=?`;
}

/** The prompt text up to where the CoT begins (what the chat template renders). */
export function formatPrompt(question: string): string {
  return `${BOS}${question}\n`;
}
