// The decoding loop every backend shares: prompt once, then one token per step through the KV
// cache; stops on EOS ids, stop strings, maxNewTokens or an AbortSignal; streams tokens.
import type { CacheState, GenerateCallbacks, LanguageModel, SamplingOptions } from './types.ts';
import { readLogitsRow } from './logitsRow.ts';
import { checkSamplingOptions } from '../sampling/options.ts';
import { Rng } from '../sampling/rng.ts';
import { sampleToken } from '../sampling/sampleToken.ts';

type Decoder = Pick<LanguageModel, 'forward' | 'emptyCache' | 'tokenizer' | 'device' | 'info' | 'sampleLogitsRow'>;

export function abortError(): DOMException {
  return new DOMException('Generation was aborted.', 'AbortError');
}

export function checkTokenIds(ids: ArrayLike<number>, vocab: number, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    const t = ids[i];
    if (!Number.isInteger(t) || t < 0 || t >= vocab) throw new RangeError(`${what}[${i}] = ${t} is not a token id in [0, ${vocab})`);
  }
}

/**
 * Generated ids (EOS not included; a stop string's last token is). Greedy (temperature 0) is
 * deterministic. onToken gets each id with the text it added (held back while it ends inside a
 * multi-byte character).
 */
export async function generateWithCache(model: Decoder, promptIds: number[], opts: SamplingOptions, cb: GenerateCallbacks = {}): Promise<number[]> {
  if (promptIds.length === 0) throw new RangeError('promptIds must hold at least one token');
  return decodeFrom(model, model.emptyCache(), promptIds, opts, cb);
}

/**
 * The decoding loop from any state: `feed` is forwarded from `start` (borrowed: never disposed
 * here), then one sampled token per step. From the empty state this is generateWithCache; from a
 * cache prefix it continues a branch (src/llm/branch/) — the same draws for the same seed.
 */
export async function decodeFrom(model: Decoder, start: CacheState, feed: number[], opts: SamplingOptions, cb: GenerateCallbacks = {}): Promise<number[]> {
  checkSamplingOptions(opts);
  if (feed.length === 0) throw new RangeError('the first feed must hold at least one token');
  checkTokenIds(feed, model.info.vocabSize, 'promptIds');
  const eos = new Set(model.info.eosIds);
  const rng = new Rng(opts.seed);
  const stops = (opts.stopStrings ?? []).filter((s) => s.length > 0);
  const out: number[] = [];
  let shown = '';
  let cache = start;
  let reason: 'eos' | 'stop-string' | 'max-tokens' = 'max-tokens';
  try {
    while (out.length < opts.maxNewTokens) {
      if (cb.signal?.aborted) throw abortError();
      // Only the last row is drawn from: a prompt's other rows may skip the LM head.
      const step = await model.forward(feed, cache, feed.length - 1);
      if (cache !== start) cache.dispose();
      cache = step.cache;
      let id: number;
      try {
        // On the model's device when it can draw there (only the id comes back), else on the CPU.
        const last = step.logits.rows - 1;
        id = model.sampleLogitsRow
          ? await model.sampleLogitsRow(step.logits, last, opts, rng)
          : sampleToken(await readLogitsRow(step.logits, last, model.device), opts, rng);
      } finally {
        step.dispose();
      }
      if (eos.has(id)) {
        reason = 'eos';
        break;
      }
      out.push(id);
      const text = model.tokenizer.decode(out);
      if (!text.endsWith('\uFFFD')) {
        cb.onToken?.(id, text.slice(shown.length));
        shown = text;
      } else {
        cb.onToken?.(id, '');
      }
      if (stops.some((s) => text.includes(s))) {
        reason = 'stop-string';
        break;
      }
      feed = [id];
    }
  } finally {
    if (cache !== start) cache.dispose();
  }
  cb.onStop?.(reason);
  return out;
}
