// repro-step-overhead: one GRPO step of the toy model (8 prompts × 8 samples) on the WebGPU
// engine, broken down into sampling, scoring (the RePro J probes), forward/backward and the
// optimizer; outcome-only (α = 0, no probes) and RePro (α > 0, topK = 8) measured side by side,
// interleaved, from the same weights each time. value = median(RePro) / median(outcome) − 1.
import type { GpuContext } from '../../src/gpu/device.ts';
import { GpuModel } from '../../src/engine/gpu/model.ts';
import { decodeCheckpoint } from '../../src/engine/checkpoint.ts';
import { initParams } from '../../src/engine/init.ts';
import type { ModelConfig } from '../../src/engine/config.ts';
import { VOCAB_SIZE } from '../../src/task/vocab.ts';
import { MAX_SEQUENCE_TOKENS } from '../../src/task/format.ts';
import { presetConfig } from '../../src/rl/config.ts';
import type { StepTimings } from '../../src/rl/metrics.ts';
import { GrpoTrainer } from '../../src/rl/trainer.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';

const REPS = 3;
const PROMPTS = 8;
const SAMPLES = 8;
/** The bundled toy model's shape (scripts/train-toy/spec.ts), used when no checkpoint is served. */
const FALLBACK: ModelConfig = { vocabSize: VOCAB_SIZE, blockSize: MAX_SEQUENCE_TOKENS, nLayer: 3, nHead: 4, nEmbd: 96 };


export async function startingWeights(): Promise<{ config: ModelConfig; params: Float32Array; source: string }> {
  try {
    const res = await fetch('/models/toy-reasoner/model.safetensors');
    if (res.ok) {
      const ck = decodeCheckpoint(new Uint8Array(await res.arrayBuffer()));
      return { config: ck.config, params: ck.params, source: 'bundled SFT checkpoint' };
    }
  } catch {
    // fall through to a seeded init
  }
  return { config: FALLBACK, params: initParams(FALLBACK, 1), source: 'random init (no SFT checkpoint served)' };
}

export const total = (t: StepTimings) => t.sampling + t.scoring + t.forwardBackward + t.optimizer;

export const grpoStep: BenchSuite = {
  name: 'grpo-step',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const w = await startingWeights();
    const model = await GpuModel.create(ctx, w.config, w.params, { maxBatchTokens: PROMPTS * SAMPLES * w.config.blockSize });
    const zero = new Float32Array(w.params.length);
    const common = { per_device_train_batch_size: PROMPTS, num_generations: SAMPLES, eval_every: 0, checkpoint_every: 0, entropy_top_k: 8 };
    const timings: Record<'outcome' | 'repro', StepTimings[]> = { outcome: [], repro: [] };
    const tokens: Record<'outcome' | 'repro', number[]> = { outcome: [], repro: [] };
    try {
      for (let rep = 0; rep <= REPS; rep++) { // rep 0 warms up (pipeline compilation), not recorded
        for (const method of ['outcome', 'repro'] as const) {
          await model.setParams(w.params);
          await model.setOptimizerState({ m: zero, v: zero.slice(), t: 0 });
          const trainer = await GrpoTrainer.create(model, presetConfig(method, { ...common, seed: rep }));
          const m = await trainer.trainStep();
          log(`rep ${rep}/${REPS} ${method}: ${total(m.timings).toFixed(0)} ms (sampling ${m.timings.sampling.toFixed(0)}, scoring ${m.timings.scoring.toFixed(0)}, fwd/bwd ${m.timings.forwardBackward.toFixed(0)}, optimizer ${m.timings.optimizer.toFixed(0)}), ${m.responseTokens.toFixed(1)} tokens/response`);
          if (rep > 0) {
            timings[method].push(m.timings);
            tokens[method].push(m.responseTokens);
          }
        }
      }
    } finally {
      model.dispose();
    }
    const breakdown = (ts: StepTimings[]) => ({
      totalMs: median(ts.map(total)),
      samplingMs: median(ts.map((t) => t.sampling)),
      scoringMs: median(ts.map((t) => t.scoring)),
      forwardBackwardMs: median(ts.map((t) => t.forwardBackward)),
      optimizerMs: median(ts.map((t) => t.optimizer)),
    });
    const outcome = breakdown(timings.outcome);
    const repro = breakdown(timings.repro);
    return [{
      name: 'repro-step-overhead',
      value: repro.totalMs / outcome.totalMs - 1,
      unit: '×',
      goal: '≤ 0.25',
      detail: {
        outcome, repro, prompts: PROMPTS, samples: SAMPLES, topK: 8, reps: REPS,
        responseTokens: { outcome: tokens.outcome, repro: tokens.repro },
        weights: w.source, model: w.config,
        adapter: `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`,
      },
    }];
  },
};
