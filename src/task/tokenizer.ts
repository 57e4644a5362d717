// Character-level tokenizer of the toy task, and its Hugging Face export. The HF form is a BPE
// model with no merges over the same characters (tokenizers.js has no WordLevel model), no
// normalizer, no pre-tokenizer, no post-processor and a Fuse decoder, so that
// `@huggingface/tokenizers` encodes and decodes exactly like ToyTokenizer (tested).
//
// Specials are never added by encode(): like Qwen3's, the chat template writes "<bos>" into the
// prompt text, and the literal strings "<bos>", "<eos>", … encode to their special ids.
import type { TokenizerLike } from '../llm/types.ts';
import { BOS, EOS, PAD, SPECIAL_TOKENS, UNK, UNK_ID, VOCAB } from './vocab.ts';
import { MAX_SEQUENCE_TOKENS } from './format.ts';

const CHAR_IDS = new Map<string, number>(VOCAB.map((tok, id) => [tok, id]));
const SPECIAL_IDS = new Set<number>(SPECIAL_TOKENS.map((_, id) => id));

export class ToyTokenizer implements TokenizerLike {
  readonly vocabSize = VOCAB.length;

  /** Characters outside the vocabulary become <unk> (as in the HF tokenizer); see firstUnknownChar. */
  encode(text: string, _opts?: { addSpecialTokens?: boolean }): number[] {
    if (typeof text !== 'string') throw new TypeError(`encode(text): text must be a string, got ${typeof text}`);
    const ids: number[] = [];
    let i = 0;
    while (i < text.length) {
      const special = text[i] === '<' ? specialAt(text, i) : -1;
      if (special >= 0) {
        ids.push(special);
        i += SPECIAL_TOKENS[special].length;
        continue;
      }
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      ids.push(CHAR_IDS.get(ch) ?? UNK_ID);
      i += ch.length;
    }
    return ids;
  }

  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= VOCAB.length) {
        throw new RangeError(`decode(ids): ids[${i}] = ${id} is not a token id in [0, ${VOCAB.length})`);
      }
      if (opts.skipSpecialTokens && SPECIAL_IDS.has(id)) continue;
      out += VOCAB[id];
    }
    return out;
  }

  /** Id of one token string (a character or a special), or undefined. */
  tokenToId(token: string): number | undefined {
    return CHAR_IDS.get(token);
  }
}

/** The shared instance (the tokenizer is stateless). */
export const toyTokenizer = new ToyTokenizer();

/** Index of the first character the vocabulary lacks (it would encode as <unk>), or -1. */
export function firstUnknownChar(text: string): number {
  let i = 0;
  while (i < text.length) {
    const special = text[i] === '<' ? specialAt(text, i) : -1;
    if (special >= 0) {
      i += SPECIAL_TOKENS[special].length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    if (!CHAR_IDS.has(ch)) return i;
    i += ch.length;
  }
  return -1;
}

function specialAt(text: string, at: number): number {
  for (let id = 0; id < SPECIAL_TOKENS.length; id++) {
    if (text.startsWith(SPECIAL_TOKENS[id], at)) return id;
  }
  return -1;
}

/** tokenizer.json for Hugging Face tokenizers (Rust and JS). */
export function toHfTokenizerJson(): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Fuse' },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: UNK,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(VOCAB.map((tok, id) => [tok, id])),
      merges: [],
    },
  };
}

/**
 * The chat template: "<bos>" + the user's question + "\n" (exactly formatPrompt), then the
 * assistant's text (CoT + "Answer: …") and "<eos>". The CoT starts right after the prompt, so
 * add_generation_prompt adds nothing.
 */
export const TOY_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}" +
  "{{ message['content'] }}{{ '\\n' }}{% elif message['role'] == 'assistant' %}" +
  '{{ message[\'content\'] }}{{ eos_token }}{% endif %}{% endfor %}';

/** tokenizer_config.json (special tokens, no automatic specials, no space clean-up, chat template). */
export function toHfTokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: BOS,
    eos_token: EOS,
    pad_token: PAD,
    unk_token: UNK,
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: MAX_SEQUENCE_TOKENS,
    added_tokens_decoder: Object.fromEntries(SPECIAL_TOKENS.map((content, id) => [String(id), {
      content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true,
    }])),
    chat_template: TOY_CHAT_TEMPLATE,
  };
}
