// Batched sampling with the KV cache: prefill every prompt at once, then one row per still-active
// sequence per step. Token choice is src/sampling/sampleToken.ts on the read-back logits row (V is
// tiny), and the order of random draws is the CPU reference's (src/engine/cpu/generate.ts):
// for each step, for each active prompt in order, one draw. A row stops after a stop id (kept),
// after maxNewTokens, or once its sequence holds blockSize + 1 tokens.
import { Rng } from '../../sampling/rng.ts';
import { rowEntropy, sampleToken } from '../../sampling/sampleToken.ts';
import type { SamplingOptions, SampleOutput } from '../types.ts';
import type { InferenceRow, KvInference } from './inference.ts';
import { validateSample } from './validate.ts';

export async function sampleWithCache(inf: KvInference, prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
  const config = inf.config;
  validateSample(config, prompts, opts);
  const tokens: number[][] = prompts.map(() => []);
  const entropy: number[][] = prompts.map(() => []);
  if (prompts.length === 0 || opts.maxNewTokens === 0) return { tokens, entropy };
  inf.ensureSlots(prompts.length);
  const rng = new Rng(opts.seed);
  const stop = new Set(opts.stopIds ?? []);
  const seqLen = prompts.map((p) => p.length);
  const active = prompts.map(() => true);

  // prefill: every prompt token; logits of each prompt's last token
  const prefill: InferenceRow[] = [];
  prompts.forEach((p, b) => p.forEach((token, pos) => prefill.push({
    token, pos, slot: b, prefixSlot: b, prefixLen: 0, target: -1, wantLogits: pos === p.length - 1,
  })));
  const { logits: first } = await inf.run(prefill);
  const current: (Float32Array | null)[] = first.slice();

  for (let s = 0; s < opts.maxNewTokens; s++) {
    const feed: InferenceRow[] = [];
    const feedRows: number[] = [];
    for (let b = 0; b < prompts.length; b++) {
      if (!active[b]) continue;
      if (seqLen[b] > config.blockSize) { active[b] = false; continue; }
      const row = current[b]!;
      const id = sampleToken(row, opts, rng);
      tokens[b].push(id);
      entropy[b].push(rowEntropy(row));
      seqLen[b]++;
      if (stop.has(id)) { active[b] = false; continue; }
      if (seqLen[b] <= config.blockSize && s + 1 < opts.maxNewTokens) {
        feed.push({ token: id, pos: seqLen[b] - 1, slot: b, prefixSlot: b, prefixLen: 0, target: -1, wantLogits: true });
        feedRows.push(b);
      }
      current[b] = null;
    }
    if (feed.length === 0) continue;
    const { logits } = await inf.run(feed);
    feedRows.forEach((b, i) => { current[b] = logits[i]; });
  }
  return { tokens, entropy };
}
