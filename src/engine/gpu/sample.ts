// Batched sampling with the KV cache: prefill every prompt at once, then one row per still-active
// sequence per step. Tokens are drawn on the GPU (./layers/sample.ts: src/sampling/sampleToken.ts's
// semantics, the entropy at temperature 1 beside each id), so only the ids come back, never a
// logits row; the order of random draws is the CPU reference's (src/engine/cpu/generate.ts): for
// each step, for each active prompt in order, one draw. A row stops after a stop id (kept), after
// maxNewTokens, or once its sequence holds blockSize + 1 tokens.
//
// A group of identical prompts (a GRPO group: G samples of one prompt) prefills its prompt once:
// positions 0 … n−2 go into a shared region that each of the G sequences reads in place
// (prefixBase / prefixLen, ./inference.ts), and each sequence computes only its own rows from
// position n−1 on (the last prompt token, whose logits it samples from, then its continuation).
// With `retain` (./kvRetain.ts) every sequence's cache is kept after the call for the probes that
// follow, each in one contiguous region: the shared rows are copied in front of its own.
import { Rng } from '../../sampling/rng.ts';
import { createBuffer } from '../../gpu/buffers.ts';
import type { GpuSampler } from './layers/sample.ts';
import { at } from './tensor.ts';
import type { SamplingOptions, SampleOutput } from '../types.ts';
import type { CachedInference, InferenceRow } from './inference.ts';
import type { Region } from './kvStore.ts';
import type { RetainedSequences } from './kvRetain.ts';
import { validateSample } from './validate.ts';

/** Where a sequence's positions live: p < prefixLen at prefixBase + p, the rest at ownBase + (p − prefixLen). */
interface Addressing { ownBase: number; prefixBase: number; prefixLen: number }

export async function sampleWithCache(
  inf: CachedInference, sampler: GpuSampler, prompts: number[][], opts: SamplingOptions, retain?: RetainedSequences,
): Promise<SampleOutput> {
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
  const shared: Region[] = [];
  const addr: Addressing[] = [];
  /** the shared region of prompt b's group (rows = n − 1), if any */
  const sharedOf: (Region | null)[] = [];
  const out = createBuffer(inf.device, prompts.length * V * 4, undefined, 'engine sampled logits');
  let ok = false;
  try {
    // groups of identical prompts (n ≥ 2 tokens, ≥ 2 samples) share positions 0 … n−2
    const groups = new Map<string, number[]>();
    prompts.forEach((p, b) => {
      const key = p.join(',');
      const g = groups.get(key);
      if (g) g.push(b); else groups.set(key, [b]);
    });
    const prefill: InferenceRow[] = [];
    const groupOf = new Map<number, Region>();
    for (const members of groups.values()) {
      const p = prompts[members[0]];
      if (members.length < 2 || p.length < 2) continue;
      const s = inf.kv.allocate(p.length - 1);
      shared.push(s);
      for (const b of members) groupOf.set(b, s);
      for (let pos = 0; pos < p.length - 1; pos++) prefill.push({ token: p[pos], pos, ownBase: s.base, prefixBase: 0, prefixLen: 0 });
    }
    prompts.forEach((p, b) => {
      const total = Math.min(p.length + opts.maxNewTokens, config.blockSize);
      const s = groupOf.get(b) ?? null;
      sharedOf.push(s);
      if (!s) {
        regions.push(inf.kv.allocate(total));
        addr.push({ ownBase: regions[b].base, prefixBase: 0, prefixLen: 0 });
        return;
      }
      const n1 = p.length - 1;
      // retained: room for the shared rows in front (copied in after sampling)
      regions.push(inf.kv.allocate(retain ? total : total - n1));
      addr.push({ ownBase: regions[b].base + (retain ? n1 : 0), prefixBase: s.base, prefixLen: n1 });
    });
    const row = (b: number, token: number, pos: number): InferenceRow => ({ token, pos, ...addr[b] });
    /** Run the rows, then draw one token from each selected row's logits (in row order). */
    const drawFrom = async (rows: InferenceRow[]): Promise<{ ids: Int32Array; entropy: Float32Array }> => {
      await inf.run(rows, { kind: 'select', out });
      const k = rows.filter((r) => r.select).length;
      inf.recorder.begin();
      sampler.record(inf.recorder, at(out), k, V, opts, rng);
      return sampler.read(inf.recorder);
    };

    // prefill: the shared rows first, then every prompt's own rows; each prompt's last row is sampled
    prompts.forEach((p, b) => {
      const from = addr[b].prefixLen;
      for (let pos = from; pos < p.length; pos++) prefill.push({ ...row(b, p[pos], pos), select: pos === p.length - 1 });
    });
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
    ok = true;
  } finally {
    if (ok && retain) {
      prompts.forEach((p, b) => {
        const s = sharedOf[b];
        if (s) inf.kv.copyRows(s.base, regions[b].base, p.length - 1);
        // every fed position is cached: the prompt and each generated token but the last
        retain.add(p.concat(tokens[b]), p.length + tokens[b].length - 1, regions[b]);
      });
    } else {
      for (const r of regions) inf.kv.release(r);
    }
    for (const r of shared) inf.kv.release(r);
    out.destroy();
  }
  return { tokens, entropy };
}
