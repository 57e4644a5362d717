// Can the model represent this input? Unknown tokens (characters outside the vocabulary, encoded
// as the tokenizer's unknown token) and sequences longer than the model's context (learned
// positions past max_position_embeddings are garbage) make every J after them meaningless, so
// such input is refused or flagged wherever it is scored. Pure: needs only a tokenizer.
import type { TokenizerLike } from './types.ts';

export interface ModelLimits {
  /** The tokenizer's unknown-token id (undefined: it has none, e.g. byte-level BPE). */
  unkTokenId?: number;
  /** Positions the model was trained on (max_position_embeddings / n_positions); undefined = unknown. */
  contextLength?: number;
}

export interface Representability {
  ok: boolean;
  /** Tokens of the longest sequence scored: prompt + CoT + probe + answer. */
  tokens: number;
  contextLength: number | null;
  unknownTokens: number;
  /** Distinct characters that encode to the unknown token (at most 20 listed). */
  unknownChars: string[];
  /** One sentence per problem, empty when ok. */
  problems: string[];
}

const noSpecials = { addSpecialTokens: false };
const MAX_LISTED = 20;

function countUnk(ids: number[], unk: number | undefined): number {
  if (unk === undefined) return 0;
  let n = 0;
  for (const id of ids) if (id === unk) n++;
  return n;
}

/** Distinct characters of `text` that the tokenizer maps to the unknown token on their own. */
export function unknownCharacters(tok: TokenizerLike, text: string, unk: number | undefined): string[] {
  if (unk === undefined) return [];
  const out: string[] = [];
  for (const ch of new Set(Array.from(text))) {
    if (/\s/u.test(ch)) continue;
    if (tok.encode(ch, noSpecials).includes(unk)) out.push(ch);
    if (out.length >= MAX_LISTED) break;
  }
  return out;
}

function describeChars(chars: string[]): string {
  return chars.map((c) => JSON.stringify(c)).join(' ');
}

/**
 * Representability of one scoring input: `prompt` is the formatted prompt (chat template
 * applied), then the CoT, then probe + answer as the scorer feeds them (repro-method.md §3).
 * `cot` may be '' (generation: only the prompt must fit, with room for new tokens). `question`,
 * when given, is where unknown characters are looked for instead of the formatted prompt.
 */
export function checkRepresentable(
  tok: TokenizerLike,
  input: { prompt: string; question?: string; cot: string; probe: string; answer: string },
  limits: ModelLimits,
): Representability {
  const lead = tok.encode(input.prompt + input.cot, noSpecials);
  const tail = input.probe + input.answer === '' ? [] : tok.encode(input.probe + input.answer, noSpecials);
  return representabilityOfIds(tok, [lead, tail], input, limits);
}

/**
 * Representability of ids already tokenized (the scorer's prompt, CoT, probe and answer ids, so a
 * scoring click tokenizes once): `parts` together are the longest sequence scored; `texts` are
 * where unknown characters are named from.
 */
export function representabilityOfIds(
  tok: TokenizerLike,
  parts: number[][],
  texts: { prompt: string; question?: string; cot: string; probe: string; answer: string },
  limits: ModelLimits,
): Representability {
  const tokens = parts.reduce((n, p) => n + p.length, 0);
  const unknownTokens = parts.reduce((n, p) => n + countUnk(p, limits.unkTokenId), 0);
  const problems: string[] = [];
  let unknownChars: string[] = [];
  if (unknownTokens > 0) {
    // The user's text, not the template's special-token markup (whose "<" is not in a toy vocabulary).
    unknownChars = unknownCharacters(tok, `${texts.question ?? texts.prompt}${texts.cot}${texts.probe}${texts.answer}`, limits.unkTokenId);
    problems.push(
      `${unknownTokens} unknown token${unknownTokens === 1 ? '' : 's'}: the model's vocabulary has no ` +
        (unknownChars.length ? `${describeChars(unknownChars)}` : 'token for some of this text'),
    );
  }
  const ctx = limits.contextLength ?? null;
  // The scorer feeds every token but the last answer token; positions 0 … tokens − 2 must exist.
  if (ctx !== null && tokens - 1 > ctx) {
    problems.push(`${tokens} tokens (prompt + CoT + probe + answer) is longer than the model's ${ctx}-token context`);
  }
  return { ok: problems.length === 0, tokens, contextLength: ctx, unknownTokens, unknownChars, problems };
}

/**
 * The context length a config.json declares (max_position_embeddings, else GPT-2's n_positions /
 * n_ctx, else max_sequence_length; nested text_config of multimodal configs first); undefined
 * when it names none (e.g. RoPE models that omit it).
 */
export function contextLengthOf(config: Record<string, unknown>): number | undefined {
  const t = config.text_config;
  const cfgs = t && typeof t === 'object' ? [t as Record<string, unknown>, config] : [config];
  for (const c of cfgs) {
    for (const key of ['max_position_embeddings', 'n_positions', 'n_ctx', 'max_sequence_length']) {
      const v = c[key];
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
    }
  }
  return undefined;
}

/** One line for tables and exports: '' when representable. */
export function representabilityNote(r: Pick<Representability, 'problems'> | null | undefined): string {
  return r && r.problems.length ? r.problems.join('; ') : '';
}
