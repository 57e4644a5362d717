// Tokenization for the J-trajectory scorer (repro-method.md §2–§3): the CoT tokenized in the
// context of its prompt, each CoT token's char offset by incremental decoding, segment token
// spans, and the answer tokens as they follow the probe. Pure: needs only a tokenizer.
import type { TokenizerLike } from '../llm/types.ts';
import type { Span, TokenSpan } from './types.ts';
import { segmentCot } from './segmentCot.ts';
import { tokenSpansFromOffsets } from './tokenSpans.ts';
import { promptLeadIds } from '../llm/promptIds.ts';

export interface ScorerTokens {
  promptIds: number[];
  cotTokens: number[];
  /** Char offset in the CoT where each CoT token's text starts. */
  tokenOffsets: number[];
  segments: Span[];
  tokenSpans: TokenSpan[];
  probeIds: number[];
  answerIds: number[];
}

const noSpecials = { addSpecialTokens: false };

/**
 * Char offset (into `text`) where each of `ids` starts, found by decoding `context ++ ids[0..i)`
 * and measuring how much text it adds after the context. A token that starts inside a multi-byte
 * character (the prefix decodes to a trailing U+FFFD) gets the offset of that character. Offsets
 * are clamped to [0, text.length] and made non-decreasing.
 */
export function tokenCharOffsets(tok: TokenizerLike, context: number[], ids: number[], text: string): number[] {
  const base = tok.decode(context).length;
  const out: number[] = [];
  let prev = 0;
  for (let i = 0; i < ids.length; i++) {
    let s = tok.decode(context.concat(ids.slice(0, i)));
    while (s.endsWith('\uFFFD')) s = s.slice(0, -1);
    const o = Math.min(text.length, Math.max(prev, s.length - base));
    out.push(o);
    prev = o;
  }
  return out;
}

/**
 * The CoT's tokens as real generation after this prompt would hold them: prompt + CoT tokenized
 * together, split after the prompt's own tokens. If a merge crosses the prompt/CoT boundary (the
 * prompt's tokens are not a prefix), the prompt keeps its tokens and the CoT is tokenized alone.
 */
export function cotTokensAfterPrompt(tok: TokenizerLike, prompt: string, cot: string): { promptIds: number[]; cotTokens: number[] } {
  // Generation's prompt ids exactly (src/llm/promptIds.ts): lead specials + the text's tokens.
  const lead = promptLeadIds(tok, prompt);
  const textIds = tok.encode(prompt, noSpecials);
  const promptIds = lead.concat(textIds);
  if (cot.length === 0) return { promptIds, cotTokens: [] };
  const all = tok.encode(prompt + cot, noSpecials);
  const prefix = all.length >= textIds.length && textIds.every((id, i) => all[i] === id);
  return { promptIds, cotTokens: prefix ? all.slice(textIds.length) : tok.encode(cot, noSpecials) };
}

/**
 * Probe and answer tokenized together (the answer's tokenization is the one that follows the
 * probe), split at the probe's end: a token whose text reaches past the probe is an answer token.
 * Tokenized in context, as the text would be if the model had written it after `contexts[0]`
 * (a SentencePiece tokenizer such as Llama's puts a "▁" before a text it starts, never before a
 * continuation); a context whose last token merges with the probe is skipped for the next one,
 * and with none the probe is tokenized alone.
 */
export function probeAndAnswerIds(
  tok: TokenizerLike,
  probe: string,
  answer: string,
  contexts: { text: string; ids: number[] }[] = [],
): { probeIds: number[]; answerIds: number[] } {
  if (typeof answer !== 'string' || answer.length === 0) throw new RangeError('input.answer must be a non-empty string (J scores the answer tokens)');
  let ids: number[] | null = null;
  let context: number[] = [];
  for (const c of contexts) {
    const all = tok.encode(c.text + probe + answer, noSpecials);
    if (c.ids.length > 0 && all.length > c.ids.length && c.ids.every((id, i) => all[i] === id)) {
      ids = all.slice(c.ids.length);
      context = c.ids;
      break;
    }
  }
  ids ??= tok.encode(probe + answer, noSpecials);
  const offsets = tokenCharOffsets(tok, context, ids, probe + answer);
  let split = ids.length;
  for (let i = 0; i < ids.length; i++) {
    const end = i + 1 < ids.length ? offsets[i + 1] : probe.length + answer.length;
    if (end > probe.length) {
      split = i;
      break;
    }
  }
  const probeIds = ids.slice(0, split);
  const answerIds = ids.slice(split);
  if (answerIds.length === 0) throw new RangeError(`input.answer ${JSON.stringify(answer)} tokenizes to nothing after the probe; nothing to score`);
  if (probeIds.length === 0) throw new RangeError('input.probe must tokenize to at least one token (the probe closes the thinking before the answer)');
  return { probeIds, answerIds };
}

export function scorerTokens(
  tok: TokenizerLike,
  input: { prompt: string; cot: string; answer: string; probe: string; delimiter?: string | RegExp },
): ScorerTokens {
  if (typeof input.cot !== 'string') throw new TypeError('input.cot must be a string');
  const { promptIds, cotTokens } = cotTokensAfterPrompt(tok, input.prompt, input.cot);
  if (promptIds.length === 0) throw new RangeError('the formatted prompt tokenizes to nothing');
  const tokenOffsets = tokenCharOffsets(tok, promptIds, cotTokens, input.cot);
  const segments = segmentCot(input.cot, { delimiter: input.delimiter });
  const tokenSpans = segments.length === 0 ? [] : tokenSpansFromOffsets(segments, tokenOffsets);
  const textIds = promptIds.slice(promptLeadIds(tok, input.prompt).length);
  const { probeIds, answerIds } = probeAndAnswerIds(tok, input.probe, input.answer, [
    { text: input.prompt + input.cot, ids: textIds.concat(cotTokens) },
    { text: input.prompt, ids: textIds },
  ]);
  return { promptIds, cotTokens, tokenOffsets, segments, tokenSpans, probeIds, answerIds };
}
