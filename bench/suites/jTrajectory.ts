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
// its own GPUDevice. Tokenizer: the fixtures' byte-level BPE plus the default probe's words as
// added tokens, so the probe is ~9 tokens as with a real BPE vocabulary (Qwen3: 10), not ~30 bytes.
// All three measured side by side, interleaved, in one run; medians of REPS after a warm-up.
import type { GpuContext } from '../../src/gpu/device.ts';
import { OrtLanguageModel } from '../../src/llm/ort/ortLanguageModel.ts';
import {
  DEFAULT_PROBE_CHUNKS, probeBatching, scoreTrajectory, scoreTrajectoryBatched, scoreTrajectoryNaive, scoreTrajectorySequential,
  type ScoreInput,
} from '../../src/llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor, logitsTopKFor } from '../../src/gpu/logitsKernel.ts';
import { THINKING_PROBE } from '../../src/llm/hub/hfTokenizer.ts';
import { buildTinyDecoder, type TinyDecoderOptions } from '../../test/fixtures/onnx/tinyDecoder.ts';
import { asPickedFiles, modelFolder, type ModelFolder } from '../../test/fixtures/onnx/modelFolder.ts';
import { byteTokenizerFiles } from '../../test/fixtures/onnx/byteTokenizer.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';

const DECODER: TinyDecoderOptions = {
  vocabSize: 2048, hidden: 64, numLayers: 2, numHeads: 4, numKvHeads: 4, positionIds: true, seed: 31,
};
const SEGMENTS = 16;
const SEGMENT_CHARS = 31; // byte-level: ~31 tokens + the "\n\n" delimiter ≈ 32 per segment
const REPS = 5;
const J_TOLERANCE = 1e-3;


/** The fixtures' byte-level tokenizer with the probe's words as (non-special) added tokens. */
export function tokenizerWithProbeWords(): ModelFolder {
  const folder = byteTokenizerFiles();
  const json = JSON.parse(new TextDecoder().decode(folder.get('tokenizer.json')!)) as { added_tokens: { id: number }[] };
  let id = Math.max(...json.added_tokens.map((t) => t.id)) + 1;
  for (const content of ['The', ' final', ' answer', ' is', ' \\boxed{']) {
    if (!THINKING_PROBE.includes(content)) throw new Error(`probe word ${JSON.stringify(content)} is not in the default probe`);
    json.added_tokens.push({ id: id++, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false } as { id: number });
  }
  folder.set('tokenizer.json', new TextEncoder().encode(JSON.stringify(json)));
  return folder;
}

/** SEGMENTS blank-line-separated steps of SEGMENT_CHARS characters each (deterministic). */
export function syntheticCot(segments = SEGMENTS, chars = SEGMENT_CHARS): string {
  const steps: string[] = [];
  for (let k = 0; k < segments; k++) {
    const a = 100 + ((k * 37) % 900);
    const b = 10 + ((k * 53) % 90);
    const step = `Step ${k + 1}: ${a} plus ${b} gives ${a + b}, so far so good and we continue.`;
    steps.push(step.slice(0, chars));
  }
  return steps.join('\n\n');
}

export const jTrajectory: BenchSuite = {
  name: 'j-trajectory',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    void ctx; // ORT's WebGPU EP runs on its own device; the scorer's kernel runs on that device
    const built = buildTinyDecoder(DECODER);
    const files = asPickedFiles(modelFolder(built, tokenizerWithProbeWords()), 'bench-decoder');
    const model = await OrtLanguageModel.load({ kind: 'files', files, name: 'bench-decoder' });
    try {
      if (model.info.backend !== 'webgpu') throw new Error(`j-trajectory: ORT runs on ${model.info.backend}, not WebGPU (${model.backendNote})`);
      const input: ScoreInput = { question: 'What is the sum of all the numbers below?', cot: syntheticCot(), answer: '4242}' };
      const stats = logitsKernelFor(model);
      // As the app scores: the token lens's top-k (k = 10) from the CoT pass's rows rides along.
      const kernel = { kernel: stats, topK: logitsTopKFor(model) };
      const promptIds = model.tokenizer.encode(model.formatPrompt(input.question), { addSpecialTokens: false });
      let plainTokens = 0;
      const plain = async () => {
        // the ids as the scorer feeds them: prompt + CoT tokenized together
        const ids = model.tokenizer.encode(model.formatPrompt(input.question) + input.cot, { addSpecialTokens: false });
        plainTokens = ids.length;
        const step = await model.forward(ids, model.emptyCache());
        try {
          const s = await stats(step.logits, null);
          if (!Number.isFinite(s.entropy[ids.length - 1])) throw new Error('plain forward: non-finite entropy');
        } finally {
          step.dispose();
          step.cache.dispose();
        }
      };
      // warm-up (ORT compiles programs per shape) and the sameness check of the two scorers
      await plain();
      const fast = await scoreTrajectory(model, input, kernel);
      const slow = await scoreTrajectoryNaive(model, input, kernel);
      const jDiff = Math.max(...fast.J.map((j, k) => Math.abs(j - slow.J[k])));
      if (!(jDiff <= J_TOLERANCE)) throw new Error(`j-trajectory: cached and naive J differ by ${jDiff} > ${J_TOLERANCE}`);
      const K = fast.segments.length;
      const cotTokens = fast.cotTokens.length;
      const probeTokens = model.tokenizer.encode(model.defaultProbe, { addSpecialTokens: false }).length;
      log(`decoder V=${DECODER.vocabSize} C=${DECODER.hidden} L=${DECODER.numLayers}; prompt ${promptIds.length} + CoT ${cotTokens} tokens, K=${K}, probe ${probeTokens} tokens; max |ΔJ| ${jDiff.toExponential(2)}`);

      const batched = probeBatching(model) === true;
      if (!batched) log('j-trajectory: batched probes were not used (the first-use check failed)');
      await scoreTrajectorySequential(model, input, kernel); // warm-up of its shapes
      await scoreTrajectory(model, input, kernel); // … and of the chunked probe calls
      const ms = { plain: [] as number[], trajectory: [] as number[], naive: [] as number[], sequential: [] as number[], oneCall: [] as number[], noLens: [] as number[] };
      const runs = {
        plain, trajectory: () => scoreTrajectory(model, input, kernel), naive: () => scoreTrajectoryNaive(model, input, kernel),
        sequential: () => scoreTrajectorySequential(model, input, kernel), oneCall: () => scoreTrajectoryBatched(model, input, { ...kernel, probeChunks: 1 }),
        // The token lens's cost, measured side by side: the same trajectory without the top-k.
        noLens: () => scoreTrajectory(model, input, { kernel: stats }),
      };
      const orders = [
        ['plain', 'trajectory', 'noLens', 'oneCall', 'naive', 'sequential'], ['noLens', 'trajectory', 'sequential', 'naive', 'plain', 'oneCall'],
        ['oneCall', 'sequential', 'naive', 'plain', 'trajectory', 'noLens'],
      ] as const;
      for (let rep = 0; rep < REPS; rep++) {
        for (const which of orders[rep % orders.length]) {
          const t0 = performance.now();
          await runs[which]();
          ms[which].push(performance.now() - t0);
        }
        log(`rep ${rep + 1}/${REPS}: plain ${ms.plain[rep].toFixed(0)} ms, trajectory ${ms.trajectory[rep].toFixed(0)} ms, one probe call ${ms.oneCall[rep].toFixed(0)} ms, sequential ${ms.sequential[rep].toFixed(0)} ms, naive ${ms.naive[rep].toFixed(0)} ms, trajectory without the token lens ${ms.noLens[rep].toFixed(0)} ms`);
      }
      const plainMs = median(ms.plain);
      const trajectoryMs = median(ms.trajectory);
      const naiveMs = median(ms.naive);
      const sequentialMs = median(ms.sequential);
      const oneCallMs = median(ms.oneCall);
      const noLensMs = median(ms.noLens);
      const detail = {
        plainMs, trajectoryMs, naiveMs, sequentialMs, oneCallMs, sequentialVsForward: sequentialMs / plainMs, oneCallVsForward: oneCallMs / plainMs,
        noLensMs, noLensVsForward: noLensMs / plainMs, tokenLensOverhead: trajectoryMs / noLensMs, lensK: 10, noLensRunsMs: ms.noLens,
        batchedProbes: batched, probeChunks: DEFAULT_PROBE_CHUNKS, reps: REPS,
        promptTokens: promptIds.length, cotTokens, plainTokens, segments: K, probeTokens, answerTokens: fast.answerLogProbs[0].length,
        decoder: `${DECODER.numLayers} layers, d=${DECODER.hidden}, ${DECODER.numHeads} heads, V=${DECODER.vocabSize}, fp32, MatMul/Softmax attention`,
        maxJAbsDiff: jDiff, plainRunsMs: ms.plain, trajectoryRunsMs: ms.trajectory, naiveRunsMs: ms.naive, sequentialRunsMs: ms.sequential, oneCallRunsMs: ms.oneCall,
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
