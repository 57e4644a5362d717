// The measurement the two branch suites share (branchVsRegenerate.ts on ORT, engineBranch.ts on our
// engine): a branch at CoT position t continued from the inspection's kept KV cache
// (src/llm/branch/continueBranch.ts: the cache cut to prompt + t, the replacement token fed, then M
// tokens decoded) against regenerating the same branch from the prompt (prompt + CoT[0, t) +
// replacement re-encoded from an empty cache, then the same M tokens). The two give the same tokens
// (checked; greedy with no EOS, so both run M steps). The kept cache is made once, as scoring
// leaves it in the app, and not timed. Input: ./jTrajectoryInput.ts. Per fork, medians of `reps`
// interleaved runs after a warm-up.
import { continueBranch, forcedPrefix, type ForkInput } from '../../src/llm/branch/continueBranch.ts';
import { branchPath } from '../../src/llm/branch/branchPath.ts';
import { cotTokensAfterPrompt } from '../../src/llm/scorer/scorerTokens.ts';
import type { LanguageModel } from '../../src/llm/types.ts';
import { median } from './median.ts';
import { BENCH_QUESTION, syntheticCot } from './jTrajectoryInput.ts';
import { GREEDY, withoutEos } from './engineModels.ts';

export interface BranchPlan {
  suite: string;
  /** CoT positions t to fork at; the first is the headline. */
  forks: number[];
  newTokens: number;
  reps: number;
  /** The suite's own detail fields (the model), first in the detail. */
  detail: Record<string, unknown>;
}

/** regenerate ÷ branch per fork (medians), and the detail with every fork's runs. */
export async function measureBranchVsRegenerate(model: LanguageModel, plan: BranchPlan, log: (line: string) => void): Promise<{ ratios: number[]; detail: Record<string, unknown> }> {
  const { suite, forks, newTokens, reps } = plan;
  const { promptIds, cotTokens } = cotTokensAfterPrompt(model.tokenizer, model.formatPrompt(BENCH_QUESTION), syntheticCot());
  if (cotTokens.length < Math.max(...forks)) throw new Error(`${suite}: the CoT has ${cotTokens.length} tokens, fewer than t = ${Math.max(...forks)}`);
  const sampling = { ...GREEDY, maxNewTokens: newTokens };
  const noEos = withoutEos(model);
  const path = await branchPath(noEos);
  if (path.path !== 'cached') throw new Error(`${suite}: the model's branch path is ${path.path} (${path.reason}), not cached`);
  const kept = await model.forward(promptIds.concat(cotTokens), model.emptyCache());
  kept.dispose();
  const detail: Record<string, unknown> = {
    ...plan.detail, promptTokens: promptIds.length, cotTokens: cotTokens.length, newTokens, reps, branchPath: path.path,
  };
  const ratios: number[] = [];
  try {
    for (const t of forks) {
      const fork: ForkInput = { promptIds, cotIds: cotTokens, position: t, forced: [(cotTokens[t] + 1) % model.info.vocabSize] };
      const branch = () => continueBranch(noEos, kept.cache, fork, sampling);
      const regenerate = () => noEos.generate(forcedPrefix(fork), sampling);
      // warm-up (programs compiled per shape) and the sameness check
      const a = await branch();
      const b = await regenerate();
      if (a.generated.length !== newTokens || a.generated.some((x, i) => x !== b[i])) throw new Error(`${suite}: at t=${t} the branch and the regeneration differ`);
      const ms = { branch: [] as number[], regenerate: [] as number[] };
      for (let rep = 0; rep < reps; rep++) {
        for (const which of rep % 2 ? (['regenerate', 'branch'] as const) : (['branch', 'regenerate'] as const)) {
          const t0 = performance.now();
          await (which === 'branch' ? branch() : regenerate());
          ms[which].push(performance.now() - t0);
        }
        log(`t=${t} rep ${rep + 1}/${reps}: branch ${ms.branch[rep].toFixed(0)} ms, regenerate ${ms.regenerate[rep].toFixed(0)} ms`);
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
  return { ratios, detail };
}
