// engine-j-trajectory-vs-forward (issue #21 §5): the j-trajectory suite's measurement on our own
// engine — a whole J trajectory (src/llm/scorer/scoreTrajectory.ts: one KV-cached pass over
// prompt + CoT with the token lens's top-k, k = 10, then the K + 1 probes reading prefixes of that
// cache in place, batched) against one plain forward over prompt + CoT from an empty cache with
// the per-token entropy from the fused logits kernel. The ORT entry (j-trajectory-vs-forward)
// stays beside it. Same input as that suite: its synthetic CoT (K = 16 segments, ~500 tokens) and
// byte-level tokenizer with the probe's words; the model is a tiny Llama (the tests' 'bench'
// configuration, 4 layers × 256, vocab 32 000, F32) opened from picked files.
// Checked first: the scorer's first-use check passed (batched probes), and J equals scoring by
// re-encoding every prefix. Medians of REPS interleaved runs after a warm-up.
import type { GpuContext } from '../../src/gpu/device.ts';
import { probeBatching, scoreTrajectory, scoreTrajectoryNaive, type ScoreInput } from '../../src/llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor, logitsTopKFor } from '../../src/gpu/logitsKernel.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';
import { syntheticCot } from './jTrajectory.ts';
import { benchLlamaFolder, describeConfig, openEngine } from './engineModels.ts';

const REPS = 3;
const J_TOLERANCE = 1e-3;

export const engineJTrajectory: BenchSuite = {
  name: 'engine-j-trajectory',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const { folder, config } = benchLlamaFolder({ name: 'bench' }, 'bytes');
    const model = await openEngine(ctx, folder, 'bench-llama');
    try {
      const input: ScoreInput = { question: 'What is the sum of all the numbers below?', cot: syntheticCot(), answer: '4242}' };
      const stats = logitsKernelFor(model);
      const kernel = { kernel: stats, topK: logitsTopKFor(model) };
      const ids = model.tokenizer.encode(model.formatPrompt(input.question) + input.cot, { addSpecialTokens: false });
      const plain = async () => {
        const step = await model.forward(ids, model.emptyCache());
        try {
          const s = await stats(step.logits, null);
          if (!Number.isFinite(s.entropy[ids.length - 1])) throw new Error('plain forward: non-finite entropy');
        } finally {
          step.dispose();
          step.cache.dispose();
        }
      };
      await plain();
      const fast = await scoreTrajectory(model, input, kernel);
      if (probeBatching(model) !== true) throw new Error('engine-j-trajectory: the engine did not pass the scorer\'s first-use check for batched probes');
      const slow = await scoreTrajectoryNaive(model, input, kernel);
      const jDiff = Math.max(...fast.J.map((j, k) => Math.abs(j - slow.J[k])));
      if (!(jDiff <= J_TOLERANCE)) throw new Error(`engine-j-trajectory: cached and naive J differ by ${jDiff} > ${J_TOLERANCE}`);
      const promptTokens = model.tokenizer.encode(model.formatPrompt(input.question), { addSpecialTokens: false }).length;
      const probeTokens = model.tokenizer.encode(model.defaultProbe, { addSpecialTokens: false }).length;
      log(`${describeConfig(config)}; prompt ${promptTokens} + CoT ${fast.cotTokens.length} tokens, K=${fast.segments.length}, probe ${probeTokens} tokens; max |ΔJ| vs naive ${jDiff.toExponential(2)}`);
      await scoreTrajectory(model, input, kernel); // warm-up of the chunked probe shapes

      const ms = { plain: [] as number[], trajectory: [] as number[], noLens: [] as number[] };
      const runs = { plain, trajectory: () => scoreTrajectory(model, input, kernel), noLens: () => scoreTrajectory(model, input, { kernel: stats }) };
      const orders = [['plain', 'trajectory', 'noLens'], ['noLens', 'plain', 'trajectory'], ['trajectory', 'noLens', 'plain']] as const;
      for (let rep = 0; rep < REPS; rep++) {
        for (const which of orders[rep % orders.length]) {
          const t0 = performance.now();
          await runs[which]();
          ms[which].push(performance.now() - t0);
        }
        log(`rep ${rep + 1}/${REPS}: plain ${ms.plain[rep].toFixed(0)} ms, trajectory ${ms.trajectory[rep].toFixed(0)} ms, without the token lens ${ms.noLens[rep].toFixed(0)} ms`);
      }
      const plainMs = median(ms.plain), trajectoryMs = median(ms.trajectory), noLensMs = median(ms.noLens);
      const detail = {
        model: describeConfig(config), backend: 'our engine (WebGPU)', plainMs, trajectoryMs, noLensMs, noLensVsForward: noLensMs / plainMs,
        tokenLensOverhead: trajectoryMs / noLensMs, lensK: 10, batchedProbes: true, reps: REPS,
        promptTokens, cotTokens: fast.cotTokens.length, plainTokens: ids.length, segments: fast.segments.length, probeTokens, answerTokens: fast.answerLogProbs[0].length,
        maxJAbsDiffVsNaive: jDiff, plainRunsMs: ms.plain, trajectoryRunsMs: ms.trajectory, noLensRunsMs: ms.noLens,
        note: 'entropies/log-probs by the fused logits kernel, the token lens (top-k, k = 10) by the top-k kernel on the CoT pass rows; the ORT entry j-trajectory-vs-forward uses a smaller test-built decoder',
      };
      return [{ name: 'engine-j-trajectory-vs-forward', value: trajectoryMs / plainMs, unit: '×', goal: '≤ 1.2', detail }];
    } finally {
      await model.dispose();
    }
  },
};
