// j-trajectory-vs-forward / j-trajectory-vs-naive: the cost of a whole J trajectory
// (src/llm/scorer/scoreTrajectory.ts: one KV-cached pass over prompt + CoT, then the K + 1 probes
// branched from prefixes of that cache in one batched call; repro-method.md §3) against
//   (a) one plain forward pass over prompt + CoT from an empty cache, with the per-token entropy
//       of every row from the fused logits kernel (the work the trajectory's CoT pass must do anyway);
//   (b) scoreTrajectoryNaive: every prefix re-encoded from scratch with its probe.
// Also reported in the detail: the batched probes in one call with the whole cache
// (probeChunks 1, the first-use path) and scoreTrajectorySequential (one branch per boundary, the
// fallback for graphs whose attention ignores a masked prefix).
// Every scorer run computes the token lens (top-k, k = 10, issue #17 §1) as the app does; the same
// trajectory without it (noLensMs, tokenLensOverhead in the detail) is timed beside it.
// Model: a test-built onnx-community decoder (test/fixtures/onnx/tinyDecoder.ts) loaded through the
// local-files path a user takes (OrtLanguageModel.load({ kind: 'files' })), on ORT's WebGPU EP and
// its own GPUDevice; input and tokenizer: ./jTrajectoryInput.ts. All measured side by side,
// interleaved, in one run (./jTrajectoryRunner.ts, shared with engine-j-trajectory); medians of
// REPS after a warm-up.
import type { GpuContext } from '../../src/gpu/device.ts';
import { OrtLanguageModel } from '../../src/llm/ort/ortLanguageModel.ts';
import {
  DEFAULT_PROBE_CHUNKS, scoreTrajectoryBatched, scoreTrajectoryNaive, scoreTrajectorySequential,
} from '../../src/llm/scorer/scoreTrajectory.ts';
import { buildTinyDecoder, type TinyDecoderOptions } from '../../test/fixtures/onnx/tinyDecoder.ts';
import { asPickedFiles, modelFolder } from '../../test/fixtures/onnx/modelFolder.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { tokenizerWithProbeWords } from './jTrajectoryInput.ts';
import { measureJTrajectory } from './jTrajectoryRunner.ts';

const DECODER: TinyDecoderOptions = {
  vocabSize: 2048, hidden: 64, numLayers: 2, numHeads: 4, numKvHeads: 4, positionIds: true, seed: 31,
};
const REPS = 5;

export const jTrajectory: BenchSuite = {
  name: 'j-trajectory',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    void ctx; // ORT's WebGPU EP runs on its own device; the scorer's kernel runs on that device
    const built = buildTinyDecoder(DECODER);
    const files = asPickedFiles(modelFolder(built, tokenizerWithProbeWords()), 'bench-decoder');
    const model = await OrtLanguageModel.load({ kind: 'files', files, name: 'bench-decoder' });
    try {
      if (model.info.backend !== 'webgpu') throw new Error(`j-trajectory: ORT runs on ${model.info.backend}, not WebGPU (${model.backendNote})`);
      const m = await measureJTrajectory(model, {
        suite: 'j-trajectory', describe: `decoder V=${DECODER.vocabSize} C=${DECODER.hidden} L=${DECODER.numLayers}`, reps: REPS, requireBatched: false,
        extra: (input, kernel) => ({
          naive: () => scoreTrajectoryNaive(model, input, kernel), sequential: () => scoreTrajectorySequential(model, input, kernel),
          oneCall: () => scoreTrajectoryBatched(model, input, { ...kernel, probeChunks: 1 }),
        }),
        warmUps: ['sequential'],
        orders: [
          ['plain', 'trajectory', 'noLens', 'oneCall', 'naive', 'sequential'], ['noLens', 'trajectory', 'sequential', 'naive', 'plain', 'oneCall'],
          ['oneCall', 'sequential', 'naive', 'plain', 'trajectory', 'noLens'],
        ],
      }, log);
      const { plain: plainMs, trajectory: trajectoryMs, naive: naiveMs, sequential: sequentialMs, oneCall: oneCallMs, noLens: noLensMs } = m.medians;
      const detail = {
        plainMs, trajectoryMs, naiveMs, sequentialMs, oneCallMs, sequentialVsForward: sequentialMs / plainMs, oneCallVsForward: oneCallMs / plainMs,
        noLensMs, noLensVsForward: noLensMs / plainMs, tokenLensOverhead: trajectoryMs / noLensMs, lensK: 10, noLensRunsMs: m.runs.noLens,
        batchedProbes: m.batched, probeChunks: DEFAULT_PROBE_CHUNKS, reps: REPS,
        promptTokens: m.promptTokens, cotTokens: m.cotTokens, plainTokens: m.plainTokens, segments: m.segments, probeTokens: m.probeTokens, answerTokens: m.answerTokens,
        decoder: `${DECODER.numLayers} layers, d=${DECODER.hidden}, ${DECODER.numHeads} heads, V=${DECODER.vocabSize}, fp32, MatMul/Softmax attention`,
        maxJAbsDiff: m.jDiff, plainRunsMs: m.runs.plain, trajectoryRunsMs: m.runs.trajectory, naiveRunsMs: m.runs.naive, sequentialRunsMs: m.runs.sequential, oneCallRunsMs: m.runs.oneCall,
        note: 'ORT WebGPU EP on its own GPUDevice; entropies/log-probs by the fused kernel on that device; the token lens (top-k, k = 10) by the top-k kernel on the CoT pass rows',
      };
      return [
        { name: 'j-trajectory-vs-forward', value: trajectoryMs / plainMs, unit: '×', goal: '≤ 1.3', detail },
        { name: 'j-trajectory-vs-naive', value: naiveMs / trajectoryMs, unit: '×', goal: 'report', detail },
      ];
    } finally {
      await model.dispose();
    }
  },
};
