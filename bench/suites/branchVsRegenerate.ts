// branch-vs-regenerate (issue #17 §2): a branch at CoT position t continued from the inspection's
// kept KV cache (src/llm/branch/continueBranch.ts: the cache cut to prompt + t, the replacement
// token fed, then M tokens decoded) against regenerating the same branch from the prompt (prompt +
// CoT[0, t) + replacement re-encoded from an empty cache, then the same M tokens decoded). The
// two give the same tokens (checked here; greedy so both run the same number of steps). The kept
// cache is made once, as scoring leaves it in the app, and not timed.
// Model: the j-trajectory suite's test-built decoder (2 layers, d=64, V=2048) and byte-level
// tokenizer, through the local-files path, on ORT's WebGPU EP. Forks at t = 128 (the headline:
// the smallest t ≥ 100 measured) and t = 384; medians of REPS interleaved runs after a warm-up.
import type { GpuContext } from '../../src/gpu/device.ts';
import { OrtLanguageModel } from '../../src/llm/ort/ortLanguageModel.ts';
import { continueBranch, forcedPrefix, type ForkInput } from '../../src/llm/branch/continueBranch.ts';
import { branchPath } from '../../src/llm/branch/branchPath.ts';
import { cotTokensAfterPrompt } from '../../src/llm/scorer/scorerTokens.ts';
import type { LanguageModel, SamplingOptions } from '../../src/llm/types.ts';
import { generateWithCache } from '../../src/llm/generate.ts';
import { buildTinyDecoder, type TinyDecoderOptions } from '../../test/fixtures/onnx/tinyDecoder.ts';
import { asPickedFiles, modelFolder } from '../../test/fixtures/onnx/modelFolder.ts';
import { syntheticCot, tokenizerWithProbeWords } from './jTrajectory.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';

const DECODER: TinyDecoderOptions = {
  vocabSize: 2048, hidden: 64, numLayers: 2, numHeads: 4, numKvHeads: 4, positionIds: true, seed: 31,
};
const FORKS = [128, 384];
const NEW_TOKENS = 32;
const REPS = 3;


export const branchVsRegenerate: BenchSuite = {
  name: 'branch-vs-regenerate',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    void ctx; // ORT's WebGPU EP runs on its own device
    const files = asPickedFiles(modelFolder(buildTinyDecoder(DECODER), tokenizerWithProbeWords()), 'bench-decoder');
    const model = await OrtLanguageModel.load({ kind: 'files', files, name: 'bench-decoder' });
    try {
      if (model.info.backend !== 'webgpu') throw new Error(`branch-vs-regenerate: ORT runs on ${model.info.backend}, not WebGPU (${model.backendNote})`);
      const { promptIds, cotTokens } = cotTokensAfterPrompt(model.tokenizer, model.formatPrompt('What is the sum of all the numbers below?'), syntheticCot());
      if (cotTokens.length < Math.max(...FORKS)) throw new Error(`branch-vs-regenerate: the CoT has ${cotTokens.length} tokens, fewer than t = ${Math.max(...FORKS)}`);
      // No EOS: both sides decode exactly NEW_TOKENS (greedy, so the same tokens).
      const sampling: SamplingOptions = { maxNewTokens: NEW_TOKENS, temperature: 0, topK: 0, topP: 1, seed: 1 };
      const info = { ...model.info, eosIds: [] };
      const noEos: LanguageModel = {
        info, tokenizer: model.tokenizer, device: model.device, defaultProbe: model.defaultProbe,
        formatPrompt: (q) => model.formatPrompt(q), emptyCache: () => model.emptyCache(), forward: (t, c) => model.forward(t, c),
        generate: (ids, o, cb) => generateWithCache(noEos, ids, o, cb), cachePrefix: (c, n) => model.cachePrefix(c, n), dispose: () => model.dispose(),
      };
      const path = await branchPath(noEos);
      if (path.path !== 'cached') throw new Error(`branch-vs-regenerate: the decoder's branch path is ${path.path} (${path.reason}), not cached`);
      const kept = await model.forward(promptIds.concat(cotTokens), model.emptyCache());
      kept.dispose();
      const detail: Record<string, unknown> = {
        decoder: `${DECODER.numLayers} layers, d=${DECODER.hidden}, ${DECODER.numHeads} heads, V=${DECODER.vocabSize}, fp32`,
        promptTokens: promptIds.length, cotTokens: cotTokens.length, newTokens: NEW_TOKENS, reps: REPS, branchPath: path.path,
      };
      const ratios: number[] = [];
      try {
        for (const t of FORKS) {
          const fork: ForkInput = { promptIds, cotIds: cotTokens, position: t, forced: [(cotTokens[t] + 1) % DECODER.vocabSize] };
          const branch = () => continueBranch(noEos, kept.cache, fork, sampling);
          const regenerate = () => noEos.generate(forcedPrefix(fork), sampling);
          // warm-up (ORT compiles per shape) and the sameness check
          const a = await branch();
          const b = await regenerate();
          if (a.generated.length !== NEW_TOKENS || a.generated.some((x, i) => x !== b[i])) throw new Error(`branch-vs-regenerate: at t=${t} the branch and the regeneration differ`);
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
      detail.note = `headline: t = ${FORKS[0]}; the regeneration re-encodes prompt + t + 1 tokens, the branch copies the cache prefix on the GPU`;
      return [{ name: 'branch-vs-regenerate', value: ratios[0], unit: '×', goal: '≥ 2 (t ≥ 100)', detail }];
    } finally {
      await model.dispose();
    }
  },
};
