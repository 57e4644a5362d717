// Batched sampling with the KV cache: prefill every prompt at once, then one row per still-active
// sequence per step. Tokens are drawn on the GPU (./layers/sample.ts: src/sampling/sampleToken.ts's
// semantics, the entropy at temperature 1 beside each id), so only the ids come back, never a
// logits row; the order of random draws is the CPU reference's (src/engine/cpu/generate.ts): for
// each step, for each active prompt in order, one draw. A row stops after a stop id (kept), after
// maxNewTokens, or once its sequence holds blockSize + 1 tokens.
import { Rng } from '../../sampling/rng.ts';
import { createBuffer } from '../../gpu/buffers.ts';
import type { GpuSampler } from './layers/sample.ts';
import { at } from './tensor.ts';
import type { SamplingOptions, SampleOutput } from '../types.ts';
import type { CachedInference, InferenceRow } from './inference.ts';
import type { Region } from './kvStore.ts';
import { validateSample } from './validate.ts';

export async function sampleWithCache(inf: CachedInference, sampler: GpuSampler, prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
  const config = inf.config;
  validateSample(config, prompts, opts);
  const tokens: number[][] = prompts.map(() => []);
  const entropy: number[][] = prompts.map(() => []);
  if (prompts.length === 0 || opts.maxNewTokens === 0) return { tokens, entropy };
  const rng = new Rng(opts.seed);
  const stop = new Set(opts.stopIds ?? []);
  const seqLen = prompts.map((p) => p.length);
  const V = config.vocabSize;
  const regions: Region[] = [];
  const out = createBuffer(inf.device, prompts.length * V * 4, undefined, 'engine sampled logits');
  try {
    for (const p of prompts) regions.push(inf.kv.allocate(Math.min(p.length + opts.maxNewTokens, config.blockSize)));
    const row = (b: number, token: number, pos: number): InferenceRow => ({ token, pos, ownBase: regions[b].base, prefixBase: 0, prefixLen: 0 });
    /** Run the rows, then draw one token from each selected row's logits (in row order). */
    const drawFrom = async (rows: InferenceRow[]): Promise<{ ids: Int32Array; entropy: Float32Array }> => {
      await inf.run(rows, { kind: 'select', out });
      const k = rows.filter((r) => r.select).length;
      inf.recorder.begin();
      sampler.record(inf.recorder, at(out), k, V, opts, rng);
      return sampler.read(inf.recorder);
    };

    // prefill: every prompt token; each prompt's last row is sampled
    const prefill: InferenceRow[] = [];
    prompts.forEach((p, b) => p.forEach((token, pos) => prefill.push({ ...row(b, token, pos), select: pos === p.length - 1 })));
    let drawn = await drawFrom(prefill);
    let drawnRows = prompts.map((_, b) => b);

    for (let s = 0; s < opts.maxNewTokens; s++) {
      const feed: InferenceRow[] = [];
      const feedRows: number[] = [];
      drawnRows.forEach((b, i) => {
        const id = drawn.ids[i];
        tokens[b].push(id);
        entropy[b].push(drawn.entropy[i]);
        seqLen[b]++;
        if (stop.has(id)) return;
        if (seqLen[b] <= config.blockSize && s + 1 < opts.maxNewTokens) {
          feed.push({ ...row(b, id, seqLen[b] - 1), select: true });
          feedRows.push(b);
        }
      });
      if (feed.length === 0) break;
      drawn = await drawFrom(feed);
      drawnRows = feedRows;
    }
  } finally {
    for (const r of regions) inf.kv.release(r);
    out.destroy();
  }
  return { tokens, entropy };
}

