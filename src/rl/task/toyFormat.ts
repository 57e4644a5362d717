// The toy model's format (docs/toy-task.md): character tokenizer, prompt "<bos>question\n", stop at
// <eos>, the CoT ends at the answer marker "Answer: ", which is also the J probe. Exactly what the
// trainer and the evaluation did before the task was split from them (same ids, same offsets).
import { ANSWER_MARKER, formatPrompt } from '../../task/format.ts';
import { toyTokenizer } from '../../task/tokenizer.ts';
import { EOS, EOS_ID } from '../../task/vocab.ts';
import type { ModelFormat } from './types.ts';

const PROBE_IDS = toyTokenizer.encode(ANSWER_MARKER);

export const TOY_FORMAT: ModelFormat = Object.freeze({
  kind: 'toy' as const,
  tokenizer: toyTokenizer,
  promptText: (userText: string) => formatPrompt(userText),
  promptIds: (userText: string) => toyTokenizer.encode(formatPrompt(userText)),
  stopIds: Object.freeze([EOS_ID]),
  probe: ANSWER_MARKER,
  readCompletion(ids: number[]) {
    // one character per token: per-token text gives exact char offsets
    const offsets: number[] = [];
    let text = '';
    for (const id of ids) {
      offsets.push(text.length);
      text += toyTokenizer.decode([id]);
    }
    return { text, offsets };
  },
  cotEnd: (text: string) => text.indexOf(ANSWER_MARKER),
  finalAnswer(text: string): string {
    // src/task/verify.ts's reading: after the first marker, up to <eos> or a newline, trimmed
    const at = text.indexOf(ANSWER_MARKER);
    if (at < 0) return '';
    let rest = text.slice(at + ANSWER_MARKER.length);
    const eos = rest.indexOf(EOS);
    if (eos >= 0) rest = rest.slice(0, eos);
    const nl = rest.indexOf('\n');
    return (nl >= 0 ? rest.slice(0, nl) : rest).trim();
  },
  probeTokens: (answer: string) => ({ probeIds: PROBE_IDS.slice(), answerIds: toyTokenizer.encode(answer) }),
});
