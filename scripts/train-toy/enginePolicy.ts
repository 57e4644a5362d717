// A LanguageModel on our engine (here the toy Llama from loadEngineModel) as the policy
// src/rl/evaluate.ts's evaluatePolicy evaluates: it reads only `config.blockSize`, `sample` and
// `probeLogProbs` of a TrainableModel, so this gives exactly those (evaluation only — no training
// through it), from the LanguageModel API: generate (the GPU sampler, one prompt at a time), one
// forward for the entropies, and the batched KV branching of forwardProbes for the J probes, the
// log-probs read by the fused stats kernel (src/gpu/logitsKernel.ts).
import type { SampleOutput, TrainableModel } from '../../src/engine/types.ts';
import type { EngineLanguageModel } from '../../src/engine/lm/engineLanguageModel.ts';
import type { ProbeRequest } from '../../src/repro/jProbe.ts';
import type { SamplingOptions } from '../../src/sampling/options.ts';
import { logitsKernelFor } from '../../src/gpu/logitsKernel.ts';

export type EvalPolicy = Pick<TrainableModel, 'config' | 'sample' | 'probeLogProbs'>;

export function enginePolicy(model: EngineLanguageModel): EvalPolicy {
  const stats = logitsKernelFor(model);
  const blockSize = model.config.blockSize;
  const eos = model.info.eosIds;
  if (eos.length === 0) throw new RangeError(`${model.info.id} names no EOS id: generation could not stop`);

  /** Entropy (temperature 1) of the distribution each completion token was drawn from. */
  async function entropies(prompt: number[], completion: number[]): Promise<number[]> {
    if (completion.length === 0) return [];
    const ids = prompt.concat(completion);
    const r = await model.forward(ids.slice(0, -1), model.emptyCache());
    try {
      const s = await stats(r.logits, null);
      return Array.from(s.entropy).slice(prompt.length - 1);
    } finally {
      r.dispose();
      r.cache.dispose();
    }
  }

  async function sample(prompts: number[][], opts: SamplingOptions): Promise<SampleOutput> {
    const tokens: number[][] = [];
    const entropy: number[][] = [];
    for (let i = 0; i < prompts.length; i++) {
      const p = prompts[i];
      let reason = '';
      // the block ends generation as it does for the toy GPT-2 (prompt + completion ≤ blockSize)
      const out = await model.generate(p, { ...opts, seed: opts.seed + i, maxNewTokens: Math.max(0, Math.min(opts.maxNewTokens, blockSize - p.length)) }, { onStop: (r) => { reason = r; } });
      // generate drops the EOS it stopped at; SampleOutput keeps the stop id (src/engine/types.ts)
      const done = reason === 'eos' && out.length < blockSize - p.length ? out.concat(eos[0]) : out;
      tokens.push(done);
      entropy.push(await entropies(p, done));
    }
    return { tokens, entropy };
  }

  async function probeLogProbs(requests: ProbeRequest[]): Promise<number[][][]> {
    const out: number[][][] = [];
    for (const q of requests) {
      if (q.scoreFrom < 1) throw new RangeError('probeLogProbs: scoreFrom must be ≥ 1 (the first continuation token is predicted by the context)');
      const fed = q.continuation.slice(0, -1);
      const F = fed.length;
      const top = Math.max(...q.boundaries);
      const ctx = top > 0 ? await model.forward(q.context.slice(0, top), model.emptyCache()) : null;
      try {
        ctx?.dispose(); // only its cache is read
        const probes = await model.forwardProbes(ctx ? ctx.cache : model.emptyCache(), q.boundaries, fed);
        try {
          const targets = new Int32Array(q.boundaries.length * F);
          q.boundaries.forEach((_, b) => { for (let j = 0; j < F; j++) targets[b * F + j] = q.continuation[j + 1]; });
          const lp = (await stats(probes.logits, targets)).targetLogProb;
          out.push(q.boundaries.map((_, b) => Array.from({ length: q.continuation.length - q.scoreFrom }, (_, k) => lp[b * F + q.scoreFrom - 1 + k])));
        } finally {
          probes.dispose();
        }
      } finally {
        ctx?.cache.dispose();
      }
    }
    return out;
  }

  const { vocabSize, nLayer, nHead, nEmbd } = model.config;
  return { config: { vocabSize, blockSize, nLayer, nHead, nEmbd }, sample, probeLogProbs };
}
