// A small real tokenizer for the tiny Llama-family test models: byte-level BPE (GPT-2's byte
// alphabet, so every text encodes: digits, letters, punctuation, newlines, any UTF-8), a few
// dozen merges for the words RePro's probe and the toy task use, and each family's special tokens
// and chat template — Llama 3 (<|begin_of_text|> added by the post-processor, header tokens,
// <|eot_id|>) or ChatML (Qwen2.5; Qwen3 adds <think> … </think>). Loadable by @huggingface/tokenizers.
import type { ModelFolder } from '../fixtures/onnx/modelFolder.ts';

export type TokenizerStyle = 'llama3' | 'chatml' | 'chatml-think';

/** GPT-2's bytes_to_unicode: every byte as a printable character (space → Ġ, newline → Ċ). */
function byteAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) out.push(printable(b) ? String.fromCharCode(b) : String.fromCharCode(256 + n++));
  return out;
}

// Each word becomes one token through a chain of merges (Ġ → Ġa → Ġan → …), each a new vocab entry.
const WORDS = ['ĠThe', 'Ġfinal', 'Ġanswer', 'Ġis', 'Ġthe', 'ĊĊ', 'Ġ=', 'Ġ+', '\\boxed', 'Ġso', 'Ġwe', 'Ġadd'];

function chainMerges(): [string, string][] {
  const merges: [string, string][] = [];
  const seen = new Set<string>();
  for (const w of WORDS) {
    const chars = [...w];
    let acc = chars[0];
    for (const c of chars.slice(1)) {
      if (!seen.has(acc + c)) {
        merges.push([acc, c]);
        seen.add(acc + c);
      }
      acc += c;
    }
  }
  return merges;
}

export const TOKENIZER_SPECIALS: Record<TokenizerStyle, string[]> = {
  llama3: ['<|begin_of_text|>', '<|end_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>'],
  chatml: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
  'chatml-think': ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<think>', '</think>'],
};

const TEMPLATES: Record<TokenizerStyle, string> = {
  llama3:
    "{{ bos_token }}{% for m in messages %}{{ '<|start_header_id|>' + m.role + '<|end_header_id|>\\n\\n' + m.content + '<|eot_id|>' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}",
  chatml:
    "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
  'chatml-think':
    "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}" +
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% if enable_thinking is defined and enable_thinking is false %}{{ '<think>\\n\\n</think>\\n\\n' }}{% endif %}{% endif %}",
};

export interface TinyTokenizer {
  files: ModelFolder;
  /** ids in use: 256 bytes + merges + specials (a model's vocab_size may be larger, as Qwen's is) */
  size: number;
  /** special token → id */
  special: Record<string, number>;
  bosId: number | null;
  eosId: number;
}

export function tinyTokenizer(style: TokenizerStyle): TinyTokenizer {
  const vocab: Record<string, number> = {};
  byteAlphabet().forEach((c, i) => (vocab[c] = i));
  const merges = chainMerges();
  for (const [a, b] of merges) vocab[a + b] = Object.keys(vocab).length;
  const base = Object.keys(vocab).length;
  const specials = TOKENIZER_SPECIALS[style];
  const special: Record<string, number> = {};
  specials.forEach((s, i) => (special[s] = base + i));
  const added = specials.map((content) => ({ id: special[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const llama = style === 'llama3';
  const bos = llama ? '<|begin_of_text|>' : null;
  const eos = llama ? '<|eot_id|>' : '<|im_end|>';
  const postProcessor = bos
    ? {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { [bos]: { id: bos, ids: [special[bos]], tokens: [bos] } },
      }
    : null;
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: postProcessor,
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
  };
  const config: Record<string, unknown> = {
    add_bos_token: false, // Llama 3 adds <|begin_of_text|> in tokenizer.json's post-processor, not here
    add_eos_token: false,
    bos_token: bos,
    eos_token: eos,
    pad_token: llama ? '<|end_of_text|>' : '<|endoftext|>',
    unk_token: null,
    chat_template: TEMPLATES[style],
    clean_up_tokenization_spaces: false,
    model_max_length: 2048,
    tokenizer_class: llama ? 'PreTrainedTokenizerFast' : 'Qwen2Tokenizer',
    added_tokens_decoder: Object.fromEntries(added.map((a) => [String(a.id), { ...a, id: undefined }])),
  };
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2));
  return {
    files: new Map([['tokenizer.json', enc(tokenizer)], ['tokenizer_config.json', enc(config)]]),
    size: base + specials.length,
    special,
    bosId: bos ? special[bos] : null,
    eosId: special[eos],
  };
}
