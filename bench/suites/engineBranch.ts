// engine-branch-vs-regenerate (issue #21 §5): the branch-vs-regenerate suite's measurement on our
// own engine — a branch at CoT position t continued from the kept KV cache
// (src/llm/branch/continueBranch.ts: the cache cut to prompt + t by cachePrefix, which on the
// engine shares the prefix in place; the replacement token fed, then M tokens decoded) against
// regenerating the same branch from the prompt (prompt + CoT[0, t) + replacement re-encoded from an
// empty cache, then the same M tokens). Same tokens checked (greedy, no EOS, so both run M steps).
// Model: the engine suites' tiny Llama ('bench': 4 layers × 256, vocab 32 000, F32) with the
// j-trajectory suite's byte-level tokenizer and synthetic CoT. Forks at t = 128 (the headline) and
// t = 384; medians of REPS interleaved runs after a warm-up (./branchRunner.ts, shared with the ORT
// suite). The ORT entry (branch-vs-regenerate) stays beside it.
import type { GpuContext } from '../../src/gpu/device.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { measureBranchVsRegenerate } from './branchRunner.ts';
import { benchLlamaFolder, describeConfig, openEngine } from './engineModels.ts';

const FORKS = [128, 384];
const NEW_TOKENS = 32;
const REPS = 3;

export const engineBranch: BenchSuite = {
  name: 'engine-branch-vs-regenerate',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const { folder, config } = benchLlamaFolder({ name: 'bench' }, 'bytes');
    const model = await openEngine(ctx, folder, 'bench-llama');
    try {
      const { ratios, detail } = await measureBranchVsRegenerate(model, {
        suite: 'engine-branch-vs-regenerate', forks: FORKS, newTokens: NEW_TOKENS, reps: REPS,
        detail: { model: describeConfig(config), backend: 'our engine (WebGPU)' },
      }, log);
      detail.note = `headline: t = ${FORKS[0]}; the regeneration re-encodes prompt + t + 1 tokens, the branch reads the kept cache's prefix in place`;
      return [{ name: 'engine-branch-vs-regenerate', value: ratios[0], unit: '×', goal: '≥ 2 (t = 128)', detail }];
    } finally {
      await model.dispose();
    }
  },
};
