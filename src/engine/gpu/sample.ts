// Batched sampling with the KV cache: prefill every prompt at once, then one row per still-active
// sequence per step. Token choice is src/sampling/sampleToken.ts on the read-back logits row (the
// toy's V is tiny), and the order of random draws is the CPU reference's (src/engine/cpu/generate.ts):
// for each step, for each active prompt in order, one draw. A row stops after a stop id (kept),
// after maxNewTokens, or once its sequence holds blockSize + 1 tokens.
import { Rng } from '../../sampling/rng.ts';
import { rowEntropy, sampleToken } from '../../sampling/sampleToken.ts';
import { createBuffer, readFloat32 } from '../../gpu/buffers.ts';
import type { SamplingOptions, SampleOutput } from '../types.ts';
import type { CachedInference, InferenceRow } from './inference.ts';
import type { Region } from './kvStore.ts';
import { validateSample } from './validate.ts';

export async function sampleWithCache(inf: CachedInference, prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
  const config = inf.config;
  validateSample(config, prompts, opts);
  const tokens: number[][] = prompts.map(() => []);
  const entropy: number[][] = prompts.map(() => []);
  if (prompts.length === 0 || opts.maxNewTokens === 0) return { tokens, entropy };
  const rng = new Rng(opts.seed);
  const stop = new Set(opts.stopIds ?? []);
  const seqLen = prompts.map((p) => p.length);
  const active = prompts.map(() => true);
  const V = config.vocabSize;
  const regions: Region[] = [];
  const out = createBuffer(inf.device, prompts.length * V * 4, undefined, 'engine sampled logits');
  try {
    for (const p of prompts) regions.push(inf.kv.allocate(Math.min(p.length + opts.maxNewTokens, config.blockSize)));
    const row = (b: number, token: number, pos: number): InferenceRow => ({ token, pos, ownBase: regions[b].base, prefixBase: 0, prefixLen: 0 });
    const logitsOf = async (rows: InferenceRow[]): Promise<Float32Array[]> => {
      await inf.run(rows, { kind: 'select', out });
      const k = rows.filter((r) => r.select).length;
      const all = await readFloat32(inf.device, out, k * V);
      return Array.from({ length: k }, (_, i) => all.subarray(i * V, (i + 1) * V));
    };

    // prefill: every prompt token; logits of each prompt's last token
    const prefill: InferenceRow[] = [];
    prompts.forEach((p, b) => p.forEach((token, pos) => prefill.push({ ...row(b, token, pos), select: pos === p.length - 1 })));
    const current: (Float32Array | null)[] = await logitsOf(prefill);

    for (let s = 0; s < opts.maxNewTokens; s++) {
      const feed: InferenceRow[] = [];
      const feedRows: number[] = [];
      for (let b = 0; b < prompts.length; b++) {
        if (!active[b]) continue;
        if (seqLen[b] > config.blockSize) { active[b] = false; continue; }
        const logits = current[b]!;
        const id = sampleToken(logits, opts, rng);
        tokens[b].push(id);
        entropy[b].push(rowEntropy(logits));
        seqLen[b]++;
        if (stop.has(id)) { active[b] = false; continue; }
        if (seqLen[b] <= config.blockSize && s + 1 < opts.maxNewTokens) {
          feed.push({ ...row(b, id, seqLen[b] - 1), select: true });
          feedRows.push(b);
        }
        current[b] = null;
      }
      if (feed.length === 0) continue;
      const logits = await logitsOf(feed);
      feedRows.forEach((b, i) => { current[b] = logits[i]; });
    }
  } finally {
    for (const r of regions) inf.kv.release(r);
    out.destroy();
  }
  return { tokens, entropy };
}

