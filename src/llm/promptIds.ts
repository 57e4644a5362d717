// The prompt's token ids, formed one way for generation and for scoring, so J is scored against
// the prompt the CoT was written after. Pure: needs only a tokenizer.
import type { TokenizerLike } from './types.ts';

const noSpecials = { addSpecialTokens: false };

/**
 * Special tokens the tokenizer's post-processor puts before a text: Llama's [<s>], [] for Qwen.
 * Found by encoding one character with and without special tokens (trailing ones, such as an
 * EOS some tokenizers append, are ignored: a prompt is not finished).
 */
export function leadingSpecialIds(tok: TokenizerLike): number[] {
  const plain = tok.encode('a', noSpecials);
  const withSpecials = tok.encode('a', { addSpecialTokens: true });
  for (let at = 0; at + plain.length <= withSpecials.length; at++) {
    if (plain.every((id, i) => withSpecials[at + i] === id)) return withSpecials.slice(0, at);
  }
  return [];
}

/**
 * The ids to put before the prompt text's own tokens. A chat-templated prompt gets none: the
 * template writes any BOS itself (transformers' apply_chat_template tokenizes with
 * add_special_tokens=False, so a Llama template's "<s>" is not doubled). A plain-text prompt (no
 * template) gets the tokenizer's leading specials, as tokenizer(text) would add — unless its
 * text already starts with them.
 */
export function promptLeadIds(tok: TokenizerLike, promptText: string): number[] {
  if (tok.chatTemplated) return [];
  const lead = leadingSpecialIds(tok);
  if (lead.length === 0) return [];
  const body = tok.encode(promptText, noSpecials);
  return lead.every((id, i) => body[i] === id) ? [] : lead;
}

/** The prompt's ids: lead (see promptLeadIds) + the text tokenized without special tokens. */
export function formPromptIds(tok: TokenizerLike, promptText: string): number[] {
  return promptLeadIds(tok, promptText).concat(tok.encode(promptText, noSpecials));
}
