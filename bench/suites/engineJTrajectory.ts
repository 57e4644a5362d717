// engine-j-trajectory-vs-forward (issue #21 §5): the j-trajectory suite's measurement on our own
// engine — a whole J trajectory (src/llm/scorer/scoreTrajectory.ts: one KV-cached pass over
// prompt + CoT with the token lens's top-k, k = 10, whose records also carry each row's entropy,
// the LM head skipped for prompt rows nobody reads, then the K + 1 probes reading prefixes of that
// cache in place, in one batched call) against one plain forward over prompt + CoT from an empty cache with
// the per-token entropy from the fused logits kernel. The ORT entry (j-trajectory-vs-forward)
// stays beside it. Same input as that suite: its synthetic CoT (K = 16 segments, ~500 tokens) and
// byte-level tokenizer with the probe's words; the model is a tiny Llama (the tests' 'bench'
// configuration, 4 layers × 256, vocab 32 000, F32) opened from picked files.
// Checked first: the scorer's first-use check passed (batched probes), and J equals scoring by
// re-encoding every prefix. Medians of REPS interleaved runs after a warm-up (./jTrajectoryRunner.ts,
// shared with the ORT suite).
import type { GpuContext } from '../../src/gpu/device.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { measureJTrajectory } from './jTrajectoryRunner.ts';
import { benchLlamaFolder, describeConfig, openEngine } from './engineModels.ts';

const REPS = 5;

export const engineJTrajectory: BenchSuite = {
  name: 'engine-j-trajectory',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const { folder, config } = benchLlamaFolder({ name: 'bench' }, 'bytes');
    const model = await openEngine(ctx, folder, 'bench-llama');
    try {
      const m = await measureJTrajectory(model, {
        suite: 'engine-j-trajectory', describe: describeConfig(config), reps: REPS, requireBatched: true,
        orders: [['plain', 'trajectory', 'noLens'], ['noLens', 'plain', 'trajectory'], ['trajectory', 'noLens', 'plain']],
      }, log);
      const { plain: plainMs, trajectory: trajectoryMs, noLens: noLensMs } = m.medians;
      const detail = {
        model: describeConfig(config), backend: 'our engine (WebGPU)', plainMs, trajectoryMs, noLensMs, noLensVsForward: noLensMs / plainMs,
        tokenLensOverhead: trajectoryMs / noLensMs, lensK: 10, batchedProbes: m.batched, probeCalls: model.probesReadCacheInPlace ? 1 : 'chunked', reps: REPS,
        promptTokens: m.promptTokens, cotTokens: m.cotTokens, plainTokens: m.plainTokens, segments: m.segments, probeTokens: m.probeTokens, answerTokens: m.answerTokens,
        maxJAbsDiffVsNaive: m.jDiff, plainRunsMs: m.runs.plain, trajectoryRunsMs: m.runs.trajectory, noLensRunsMs: m.runs.noLens,
        note: 'plain: every row\'s logits, entropies by the fused logits kernel; trajectory: the LM head skips the prompt\'s rows before its last (forward logitsFrom), the CoT rows\' entropies come with the token lens\'s top-k records (k = 10, one read of each row), answer log-probs by the fused logits kernel; the ORT entry j-trajectory-vs-forward uses a smaller test-built decoder',
      };
      return [{ name: 'engine-j-trajectory-vs-forward', value: trajectoryMs / plainMs, unit: '×', goal: '≤ 1.2', detail }];
    } finally {
      await model.dispose();
    }
  },
};
