// A hub model's format: its own tokenizer and chat template (src/llm/hub/hfTokenizer.ts
// formatPrompt: one user turn, generation prompt, thinking opened), its EOS ids as stop ids, its
// probe (repro-method.md §3: "\nThe final answer is " / the thinking probe). A completion is read
// as the inspector and the batch screen read one (src/analysis/responseSplit.ts): the CoT ends at
// the probe's marker ("</think>" for thinking models), the final answer follows it (or is the last
// \boxed{…} when the marker never came); probe and answer ids are tokenized in context as the
// J-trajectory scorer tokenizes them (src/llm/scorer/scorerTokens.ts).
import { extractAnswer, lastBoxed, splitResponse } from '../../analysis/responseSplit.ts';
import { formPromptIds, promptLeadIds } from '../../llm/promptIds.ts';
import { probeAndAnswerIds, tokenCharOffsets } from '../../llm/scorer/scorerTokens.ts';
import type { TokenizerLike } from '../../llm/types.ts';
import type { ModelFormat } from './types.ts';

export interface ChatFormatOptions {
  tokenizer: TokenizerLike;
  /** the chat template up to where the CoT begins (LanguageModel.formatPrompt) */
  formatPrompt(userText: string): string;
  /** the model's EOS ids (ModelInfo.eosIds) */
  stopIds: readonly number[];
  /** the J probe (LanguageModel.defaultProbe, or the user's) */
  probe: string;
  /** the template uses <think> … </think> (ModelInfo.thinking) */
  thinking: boolean;
}

export function chatFormat(o: ChatFormatOptions): ModelFormat {
  if (o.stopIds.length === 0) throw new RangeError('chatFormat: the model names no EOS id, so generation could never stop on its own');
  if (typeof o.probe !== 'string' || o.probe.trim().length === 0) throw new RangeError('chatFormat: the probe must be non-empty text');
  const tok = o.tokenizer;
  return {
    kind: 'chat',
    tokenizer: tok,
    promptText: (userText) => o.formatPrompt(userText),
    promptIds: (userText) => formPromptIds(tok, o.formatPrompt(userText)),
    stopIds: o.stopIds.slice(),
    probe: o.probe,
    readCompletion(ids) {
      const text = tok.decode(ids);
      // Fast path: when the tokens' own texts tile the whole (byte-level BPE over ASCII, the usual
      // case) they are the offsets; otherwise (a character split across tokens, SentencePiece's
      // leading spaces) each token's start is measured by decoding the prefix before it.
      const pieces = ids.map((id) => tok.decode([id]));
      if (pieces.join('') === text) {
        const offsets: number[] = [];
        let at = 0;
        for (const p of pieces) {
          offsets.push(at);
          at += p.length;
        }
        return { text, offsets };
      }
      return { text, offsets: tokenCharOffsets(tok, [], ids, text) };
    },
    cotEnd(text) {
      const s = splitResponse(text, o.probe, o.thinking);
      return s.foundMarker ? s.cot.length : -1;
    },
    finalAnswer(text) {
      const s = splitResponse(text, o.probe, o.thinking);
      if (s.foundMarker) return extractAnswer(s.rest);
      return lastBoxed(text)?.trim() ?? '';
    },
    probeTokens(answer, c) {
      const textIds = c.promptIds.slice(promptLeadIds(tok, c.promptText).length);
      return probeAndAnswerIds(tok, o.probe, answer, [
        { text: c.promptText + c.cot, ids: textIds.concat(c.cotIds) },
        { text: c.promptText, ids: textIds },
      ]);
    },
  };
}
