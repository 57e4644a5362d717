// Next-token choice from one logits row: greedy (temperature 0, deterministic: the first maximum)
// or temperature / top-k / top-p sampling with a seeded generator. Pure.
import type { SamplingOptions } from './types.ts';

/** Seeded uniform [0, 1) (mulberry32): the same seed gives the same samples everywhere. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export function checkSampling(o: SamplingOptions): void {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) throw new RangeError(`opts.maxNewTokens must be an integer ≥ 0 (got ${o.maxNewTokens})`);
  if (!(o.temperature >= 0)) throw new RangeError(`opts.temperature must be ≥ 0 (got ${o.temperature})`);
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new RangeError(`opts.topK must be an integer ≥ 0 (got ${o.topK})`);
  if (!(o.topP > 0 && o.topP <= 1)) throw new RangeError(`opts.topP must be in (0, 1] (got ${o.topP})`);
}

/** Picks the next token id. `rand` is only called when sampling (temperature > 0). */
export function sampleToken(row: ArrayLike<number>, o: Pick<SamplingOptions, 'temperature' | 'topK' | 'topP'>, rand: () => number): number {
  if (o.temperature === 0) return argmax(row);
  // Candidates sorted by logit, cut by top-k, softmax at the temperature, cut by top-p.
  let ids = Array.from({ length: row.length }, (_, i) => i).filter((i) => row[i] > -Infinity);
  ids.sort((a, b) => row[b] - row[a] || a - b);
  if (o.topK > 0) ids = ids.slice(0, o.topK);
  const max = row[ids[0]];
  const w = ids.map((i) => Math.exp((row[i] - max) / o.temperature));
  const sum = w.reduce((s, x) => s + x, 0);
  let keep = ids.length;
  if (o.topP < 1) {
    let cum = 0;
    for (let j = 0; j < ids.length; j++) {
      cum += w[j] / sum;
      if (cum >= o.topP) {
        keep = j + 1;
        break;
      }
    }
  }
  const kept = w.slice(0, keep);
  const total = kept.reduce((s, x) => s + x, 0);
  let u = rand() * total;
  for (let j = 0; j < keep; j++) {
    u -= kept[j];
    if (u < 0) return ids[j];
  }
  return ids[keep - 1];
}

/** Sampling defaults from generation_config.json (do_sample false → greedy). */
export function samplingFromGenerationConfig(gen: Record<string, unknown>, maxNewTokens = 1024): SamplingOptions {
  const n = (k: string, d: number) => (typeof gen[k] === 'number' && Number.isFinite(gen[k]) ? (gen[k] as number) : d);
  const doSample = gen.do_sample === true;
  return {
    maxNewTokens: n('max_new_tokens', maxNewTokens),
    temperature: doSample ? n('temperature', 1) : 0,
    topK: doSample ? n('top_k', 0) : 0,
    topP: doSample ? n('top_p', 1) : 1,
    seed: 0,
  };
}
