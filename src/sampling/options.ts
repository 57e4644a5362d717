// The one set of sampling options, for the toy engine (TrainableModel.sample) and for any
// LanguageModel (generate): the sampler of sampleToken.ts reads temperature / top-k / top-p.

export interface SamplingOptions {
  maxNewTokens: number;
  temperature: number; // 0 = greedy
  topK: number; // 0 = off
  topP: number; // 1 = off
  seed: number;
  /** a row stops after it emits one of these ids (the id is kept): the toy engine's stop */
  stopIds?: number[];
  /** generation stops once the decoded text contains one of these: a LanguageModel's stop */
  stopStrings?: string[];
}

/** Checks the options up front, with the field named (sampleToken checks them again per call). */
export function checkSamplingOptions(o: SamplingOptions): void {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) throw new RangeError(`opts.maxNewTokens must be an integer ≥ 0 (got ${o.maxNewTokens})`);
  if (!(o.temperature >= 0)) throw new RangeError(`opts.temperature must be ≥ 0 (got ${o.temperature})`);
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new RangeError(`opts.topK must be an integer ≥ 0 (got ${o.topK})`);
  if (!(o.topP > 0 && o.topP <= 1)) throw new RangeError(`opts.topP must be in (0, 1] (got ${o.topP})`);
}
