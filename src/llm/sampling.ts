// Sampling defaults of a Hugging Face model folder (generation_config.json). The sampler itself
// is src/sampling/sampleToken.ts.
import type { SamplingOptions } from './types.ts';

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
