// What one generation produced, as the inspector and batch show it: the CoT (text before the
// answer marker, never the answer line), the model's answer, and why it stopped. Pure: runs in Node.
import type { StopReason } from '../llm/types.ts';
import { cotEndMarker, extractAnswer, splitResponse } from './responseSplit.ts';

/** 'unrecorded': a result saved before stop reasons were kept (batch rows, imported records). */
export type GenerationStop = StopReason | 'context-full' | 'cancelled' | 'unrecorded';

export interface GenerationOutcome {
  cot: string;
  /** What the model wrote after the marker ('' if it never got there). */
  modelAnswer: string;
  /** The answer marker appeared and an answer followed it. */
  answerComplete: boolean;
  stopped: GenerationStop;
}

/**
 * `reason` is the decoding loop's own (EOS sampled, a stop string, the token budget); a budget
 * that was cut to the model's context reads 'context-full'.
 */
export function generationOutcome(
  text: string,
  opts: { probe: string; thinking: boolean; reason: StopReason | 'cancelled'; cappedByContext: boolean },
): GenerationOutcome {
  const split = splitResponse(text, opts.probe, opts.thinking);
  const modelAnswer = split.foundMarker ? extractAnswer(split.rest) : '';
  const stopped: GenerationStop = opts.reason === 'max-tokens' && opts.cappedByContext ? 'context-full' : opts.reason;
  return { cot: split.cot, modelAnswer, answerComplete: split.foundMarker && modelAnswer !== '', stopped };
}

/** The stop reason in words, for the inspector. */
export function describeStop(o: Pick<GenerationOutcome, 'stopped' | 'answerComplete'>, tokens: number, maxTokens: number): string {
  const answered = o.answerComplete ? ', answer complete' : ', no answer written';
  switch (o.stopped) {
    case 'eos': return `end of sequence at ${tokens} of ${maxTokens} tokens${answered}`;
    case 'stop-string': return `stop string at ${tokens} of ${maxTokens} tokens${answered}`;
    case 'max-tokens': return `max tokens (${maxTokens}) reached${answered}`;
    case 'context-full': return `the model's context is full after ${tokens} tokens${answered}`;
    case 'cancelled': return `cancelled after ${tokens} tokens`;
    case 'unrecorded': return `${tokens} tokens; stop reason not recorded${answered}`;
  }
}

/**
 * The answer marker inside a CoT (e.g. a pasted "… Answer: 75"): scored, the answer line would
 * count as a reasoning step. Returns the CoT without it, or null when there is none.
 */
export function cotWithoutAnswerLine(cot: string, probe: string, thinking: boolean): { marker: string; cot: string } | null {
  const split = splitResponse(cot, probe, thinking);
  if (!split.foundMarker) return null;
  return { marker: cotEndMarker(probe, thinking), cot: split.cot.replace(/\s+$/u, '') };
}
