// engine-branch-vs-regenerate (issue #21 §5): the branch-vs-regenerate suite's measurement on our
// own engine — a branch at CoT position t continued from the kept KV cache
// (src/llm/branch/continueBranch.ts: the cache cut to prompt + t by cachePrefix, which on the
// engine shares the prefix in place; the replacement token fed, then M tokens decoded) against
// regenerating the same branch from the prompt (prompt + CoT[0, t) + replacement re-encoded from an
// empty cache, then the same M tokens). Same tokens checked (greedy, no EOS, so both run M steps).
// Model: the engine suites' tiny Llama ('bench': 4 layers × 256, vocab 32 000, F32) with the
// j-trajectory suite's byte-level tokenizer and synthetic CoT. Forks at t = 128 (the headline) and
// t = 384; medians of REPS interleaved runs after a warm-up. The ORT entry (branch-vs-regenerate)
// stays beside it.
import type { GpuContext } from '../../src/gpu/device.ts';
import { continueBranch, forcedPrefix, type ForkInput } from '../../src/llm/branch/continueBranch.ts';
import { branchPath } from '../../src/llm/branch/branchPath.ts';
import { cotTokensAfterPrompt } from '../../src/llm/scorer/scorerTokens.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';
import { syntheticCot } from './jTrajectory.ts';
import { benchLlamaFolder, describeConfig, GREEDY, openEngine, withoutEos } from './engineModels.ts';

const FORKS = [128, 384];
const NEW_TOKENS = 32;
const REPS = 3;

export const engineBranch: BenchSuite = {
  name: 'engine-branch-vs-regenerate',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const { folder, config } = benchLlamaFolder({ name: 'bench' }, 'bytes');
    const model = await openEngine(ctx, folder, 'bench-llama');
    try {
      const { promptIds, cotTokens } = cotTokensAfterPrompt(model.tokenizer, model.formatPrompt('What is the sum of all the numbers below?'), syntheticCot());
      if (cotTokens.length < Math.max(...FORKS)) throw new Error(`engine-branch-vs-regenerate: the CoT has ${cotTokens.length} tokens, fewer than t = ${Math.max(...FORKS)}`);
      const sampling = { ...GREEDY, maxNewTokens: NEW_TOKENS };
      const noEos = withoutEos(model);
      const path = await branchPath(noEos);
      if (path.path !== 'cached') throw new Error(`engine-branch-vs-regenerate: the engine's branch path is ${path.path} (${path.reason}), not cached`);
      const kept = await model.forward(promptIds.concat(cotTokens), model.emptyCache());
      kept.dispose();
      const detail: Record<string, unknown> = {
        model: describeConfig(config), backend: 'our engine (WebGPU)',
        promptTokens: promptIds.length, cotTokens: cotTokens.length, newTokens: NEW_TOKENS, reps: REPS, branchPath: path.path,
      };
      const ratios: number[] = [];
      try {
        for (const t of FORKS) {
          const fork: ForkInput = { promptIds, cotIds: cotTokens, position: t, forced: [(cotTokens[t] + 1) % config.vocab_size] };
          const branch = () => continueBranch(noEos, kept.cache, fork, sampling);
          const regenerate = () => noEos.generate(forcedPrefix(fork), sampling);
          const a = await branch();
          const b = await regenerate();
          if (a.generated.length !== NEW_TOKENS || a.generated.some((x, i) => x !== b[i])) throw new Error(`engine-branch-vs-regenerate: at t=${t} the branch and the regeneration differ`);
          const ms = { branch: [] as number[], regenerate: [] as number[] };
          for (let rep = 0; rep < REPS; rep++) {
            for (const which of rep % 2 ? (['regenerate', 'branch'] as const) : (['branch', 'regenerate'] as const)) {
              const t0 = performance.now();
              await (which === 'branch' ? branch() : regenerate());
              ms[which].push(performance.now() - t0);
            }
            log(`t=${t} rep ${rep + 1}/${REPS}: branch ${ms.branch[rep].toFixed(0)} ms, regenerate ${ms.regenerate[rep].toFixed(0)} ms`);
          }
          const ratio = median(ms.regenerate) / median(ms.branch);
          ratios.push(ratio);
          Object.assign(detail, {
            [`t${t}BranchMs`]: median(ms.branch), [`t${t}RegenerateMs`]: median(ms.regenerate), [`t${t}Speedup`]: ratio,
            [`t${t}BranchRunsMs`]: ms.branch, [`t${t}RegenerateRunsMs`]: ms.regenerate,
          });
        }
      } finally {
        kept.cache.dispose();
      }
      detail.note = `headline: t = ${FORKS[0]}; the regeneration re-encodes prompt + t + 1 tokens, the branch reads the kept cache's prefix in place`;
      return [{ name: 'engine-branch-vs-regenerate', value: ratios[0], unit: '×', goal: '≥ 2 (t = 128)', detail }];
    } finally {
      await model.dispose();
    }
  },
};
