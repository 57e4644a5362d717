// The outcome verifier: reads the answer after the answer marker and compares it with the truth.
import { ANSWER_MARKER } from './format.ts';
import { EOS } from './vocab.ts';
import type { Problem } from './problem.ts';

export interface Verdict {
  correct: boolean;
  /** the parsed answer (digits), or null when there is no marker or no well-formed number after it */
  parsed: string | null;
}

const NUMBER = /^\d+$/;

/**
 * `generated` is the model's text (prompt optional, special tokens decoded or skipped). The answer
 * is what follows the first answer marker, up to "<eos>", a newline or the end, trimmed; it must be
 * a plain number. Leading zeros are compared numerically ("0843" is 843).
 */
export function verifyAnswer(expected: Problem | string, generated: string): Verdict {
  const truth = typeof expected === 'string' ? expected : expected?.answer;
  if (typeof truth !== 'string' || !NUMBER.test(truth)) {
    throw new TypeError(`verifyAnswer: expected must be a Problem or a digit string, got ${JSON.stringify(truth)}`);
  }
  if (typeof generated !== 'string') throw new TypeError(`verifyAnswer: generated must be a string, got ${typeof generated}`);
  const at = generated.indexOf(ANSWER_MARKER);
  if (at < 0) return { correct: false, parsed: null };
  let rest = generated.slice(at + ANSWER_MARKER.length);
  const eos = rest.indexOf(EOS);
  if (eos >= 0) rest = rest.slice(0, eos);
  const newline = rest.indexOf('\n');
  if (newline >= 0) rest = rest.slice(0, newline);
  const parsed = rest.trim();
  if (!NUMBER.test(parsed)) return { correct: false, parsed: null };
  return { correct: BigInt(parsed) === BigInt(truth), parsed };
}
