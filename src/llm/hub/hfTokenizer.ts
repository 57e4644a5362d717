// The model's own tokenizer (tokenizer.json via @huggingface/tokenizers) and chat template
// (tokenizer_config.json's chat_template via @huggingface/jinja), plus what RePro needs from
// them: thinking detection, the prompt up to where the CoT begins, the default probe.
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import type { TokenizerLike } from '../types.ts';
import { ModelLoadError } from './modelLoadError.ts';

// repro-method.md §3: the default probes.
export const THINKING_PROBE = '\n</think>\n\nThe final answer is \\boxed{';
export const PLAIN_PROBE = '\nThe final answer is ';

function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

/** tokenizer_config.json's chat_template: a string, or a list of named templates ('default'). */
export function pickChatTemplate(config: Record<string, unknown>): string | null {
  const t = config.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t as { name?: string; template?: string }[];
    return (named.find((x) => x.name === 'default') ?? named[0])?.template ?? null;
  }
  return null;
}

export class HfTokenizer implements TokenizerLike {
  readonly vocabSize: number;
  readonly thinking: boolean;
  private readonly tok: Tokenizer;
  private readonly template: Template | null;
  private readonly specials: Record<string, string | undefined>;

  constructor(tokenizerJson: Record<string, unknown>, tokenizerConfig: Record<string, unknown>, opts: { thinking?: boolean } = {}) {
    try {
      this.tok = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (e) {
      throw new ModelLoadError('corrupt-file', `tokenizer.json could not be loaded: ${(e as Error).message}`, { file: 'tokenizer.json', cause: e });
    }
    const vocab = this.tok.get_vocab(true);
    let maxId = -1;
    for (const id of vocab.values()) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    const source = pickChatTemplate(tokenizerConfig);
    try {
      this.template = source ? new Template(source) : null;
    } catch (e) {
      throw new ModelLoadError('corrupt-file', `tokenizer_config.json's chat_template does not parse: ${(e as Error).message}`, { file: 'tokenizer_config.json', cause: e });
    }
    this.specials = {
      bos_token: tokenText(tokenizerConfig.bos_token),
      eos_token: tokenText(tokenizerConfig.eos_token),
      pad_token: tokenText(tokenizerConfig.pad_token),
      unk_token: tokenText(tokenizerConfig.unk_token),
    };
    const inVocab = this.tok.token_to_id('<think>') !== undefined && this.tok.token_to_id('</think>') !== undefined;
    this.thinking = opts.thinking ?? (inVocab || (source?.includes('</think>') ?? false));
  }

  get chatTemplated(): boolean {
    return this.template !== null;
  }

  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
    return this.tok.encode(text, { add_special_tokens: opts.addSpecialTokens ?? true }).ids;
  }

  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return ''; // the library rejects an empty list
    return this.tok.decode(ids, { skip_special_tokens: opts.skipSpecialTokens ?? false, clean_up_tokenization_spaces: false });
  }

  /** Id of tokenizer_config.json's unk_token, when it names one that is in the vocabulary. */
  get unkTokenId(): number | undefined {
    const unk = this.specials.unk_token;
    return unk === undefined ? undefined : this.tok.token_to_id(unk);
  }

  tokenId(token: string): number | undefined {
    return this.tok.token_to_id(token);
  }

  /**
   * The chat template applied to one user turn with the generation prompt, up to where the CoT
   * begins: for thinking models `<think>\n` is opened here when the template does not do it.
   */
  formatPrompt(question: string): string {
    let text = this.template
      ? this.template.render({ messages: [{ role: 'user', content: question }], add_generation_prompt: true, enable_thinking: true, ...this.specials })
      : `${question}\n`;
    if (this.thinking) {
      const open = text.lastIndexOf('<think>');
      const closed = text.lastIndexOf('</think>');
      if (open < 0 || closed > open) text += '<think>\n';
      else if (!text.endsWith('\n')) text += '\n';
    }
    return text;
  }

  get defaultProbe(): string {
    return this.thinking ? THINKING_PROBE : PLAIN_PROBE;
  }
}
