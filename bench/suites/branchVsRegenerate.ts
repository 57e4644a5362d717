// branch-vs-regenerate (issue #17 §2): a branch at CoT position t continued from the inspection's
// kept KV cache (src/llm/branch/continueBranch.ts: the cache cut to prompt + t, the replacement
// token fed, then M tokens decoded) against regenerating the same branch from the prompt (prompt +
// CoT[0, t) + replacement re-encoded from an empty cache, then the same M tokens decoded). The
// two give the same tokens (checked here; greedy so both run the same number of steps). The kept
// cache is made once, as scoring leaves it in the app, and not timed.
// Model: the j-trajectory suite's test-built decoder (2 layers, d=64, V=2048) and byte-level
// tokenizer, through the local-files path, on ORT's WebGPU EP. Forks at t = 128 (the headline:
// the smallest t ≥ 100 measured) and t = 384; medians of REPS interleaved runs after a warm-up
// (./branchRunner.ts, shared with engine-branch-vs-regenerate).
import type { GpuContext } from '../../src/gpu/device.ts';
import { OrtLanguageModel } from '../../src/llm/ort/ortLanguageModel.ts';
import { buildTinyDecoder, type TinyDecoderOptions } from '../../test/fixtures/onnx/tinyDecoder.ts';
import { asPickedFiles, modelFolder } from '../../test/fixtures/onnx/modelFolder.ts';
import { tokenizerWithProbeWords } from './jTrajectoryInput.ts';
import { measureBranchVsRegenerate } from './branchRunner.ts';
import type { BenchEntry, BenchSuite } from './index.ts';

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
      const { ratios, detail } = await measureBranchVsRegenerate(model, {
        suite: 'branch-vs-regenerate', forks: FORKS, newTokens: NEW_TOKENS, reps: REPS,
        detail: { decoder: `${DECODER.numLayers} layers, d=${DECODER.hidden}, ${DECODER.numHeads} heads, V=${DECODER.vocabSize}, fp32` },
      }, log);
      detail.note = `headline: t = ${FORKS[0]}; the regeneration re-encodes prompt + t + 1 tokens, the branch copies the cache prefix on the GPU`;
      return [{ name: 'branch-vs-regenerate', value: ratios[0], unit: '×', goal: '≥ 2 (t ≥ 100)', detail }];
    } finally {
      await model.dispose();
    }
  },
};
