// LoRA training on a frozen Llama-family base (issue 22 §5), on the WebGPU engine:
// - lora-train-tokens-per-s: forward + backward (gradient checkpointing, LM head in vocabulary
//   chunks) + AdamW on the adapters of the 4 × 256 tiny Llama (test/util/tinyLlama.ts 'bench':
//   vocab 32 000, BF16 weights), LoRA r 16 on all seven targets, B × T = 4 × 64 trained tokens;
//   value = tokens / median step time (each step ends in the optimizer's read-back). SwiftShader on
//   a loaded 2-core machine: the first step (pipeline compilation, 4 × 128 tokens) took ~5 min, so
//   the batch is small and the reps few; a real GPU wants B × T raised.
// - lora-grpo-repro-step: one GRPO + RePro step of the trainer (sampling with the group's prompt
//   prefilled once, probes reading the rollouts' cache, π_ref = the base) with the same LoRA on a
//   4 × 256 Llama whose vocabulary is the toy task's (the trainer's task until it serves any
//   tokenizer); value = median step ms, the breakdown in detail.
import type { GpuContext } from '../../src/gpu/device.ts';
import { LORA_TARGETS, type LoraConfig } from '../../src/engine/lora/loraConfig.ts';
import { LlamaLoraModel } from '../../src/engine/lora/loraModel.ts';
import { presetConfig } from '../../src/rl/config.ts';
import type { StepTimings } from '../../src/rl/metrics.ts';
import { GrpoTrainer } from '../../src/rl/trainer.ts';
import { Rng } from '../../src/sampling/rng.ts';
import { VOCAB } from '../../src/task/vocab.ts';
import { gpuBaseOf } from '../../test/gpu/engine/loraHelpers.ts';
import { tinyLlama } from '../../test/util/tinyLlama.ts';
import { toyVocabLlama } from '../../test/util/tinyLlamaLora.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';
import { estimateStep, rowsToTime, type StepEstimate } from '../../src/engine/lora/stepEstimate.ts';
import { timeStepKernels } from '../../src/engine/lora/timeStepKernels.ts';
import { TOY_ENV } from '../../src/rl/task/env.ts';
import { maxPromptTokens, probeTokensPerSample } from '../../src/worker/engineRunPlan.ts';
import { total } from './grpoStep.ts';

const LORA: LoraConfig = { r: 16, lora_alpha: 32, lora_dropout: 0, target_modules: [...LORA_TARGETS] };
const B = 4, T = 64;
const REPS = 2;
const ADAMW = { learningRate: 1e-4, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, gradClip: 1 };

async function tokensPerSecond(ctx: GpuContext, log: (l: string) => void): Promise<BenchEntry> {
  const base = gpuBaseOf(ctx, tinyLlama({ name: 'bench', dtype: 'BF16', seed: 1 }).folder);
  const model = await LlamaLoraModel.create(ctx, base, LORA, { maxSeqLen: T, maxBatchTokens: B * T, maxInferenceRows: 64, seed: 1 });
  const rng = new Rng(3);
  const V = base.config.vocabSize;
  const inputs = Int32Array.from({ length: B * T }, () => rng.int(0, V - 1));
  const targets = Int32Array.from({ length: B * T }, () => rng.int(0, V - 1));
  const dlogp = new Float32Array(B * T).fill(-1 / (B * T));
  const ms: number[] = [];
  try {
    for (let rep = 0; rep <= REPS; rep++) { // rep 0: pipeline compilation
      const t0 = performance.now();
      model.zeroGrad();
      await model.forward(inputs, targets, B, T);
      await model.backward(dlogp);
      const r = await model.step(ADAMW);
      const dt = performance.now() - t0;
      if (r.skipped) throw new Error('the benchmark step was rejected (non-finite gradient)');
      log(`rep ${rep}/${REPS}: ${dt.toFixed(0)} ms (${(B * T / dt * 1000).toFixed(0)} tokens/s)`);
      if (rep > 0) ms.push(dt);
    }
    const mem = model.memory();
    return {
      name: 'lora-train-tokens-per-s',
      value: (B * T) / median(ms) * 1000,
      unit: 'tokens/s',
      goal: 'report (SmolLM2-135M goal on a real GPU: 8×8×128 tokens/step ≤ 10 s)',
      detail: {
        stepMs: median(ms), stepsMs: ms, B, T, r: LORA.r, targets: LORA.target_modules.join(','),
        model: '4 layers × 256, vocab 32000, BF16 (tiny Llama "bench")', adapterElements: model.layout.total,
        memoryBytes: { weights: mem.weights, adapters: mem.adapters, optimizer: mem.optimizer, checkpoints: mem.checkpoints, activations: mem.activations, headChunks: mem.headChunks },
      },
    };
  } finally {
    model.dispose();
    base.weights.destroy();
  }
}

async function grpoReproStep(ctx: GpuContext, log: (l: string) => void): Promise<BenchEntry[]> {
  const base = gpuBaseOf(ctx, toyVocabLlama(VOCAB.length, { name: 'bench', seed: 1, dtype: 'BF16', positions: 128 }));
  const model = await LlamaLoraModel.create(ctx, base, LORA, { maxSeqLen: 128, maxBatchTokens: 8 * 128, maxInferenceRows: 512, seed: 1 });
  const start = await model.getParams();
  const zero = new Float32Array(start.length);
  const run = {
    per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 32,
    eval_every: 0, checkpoint_every: 0, entropy_top_k: 8, beta: 0.04, segment_delimiter: ' ',
  };
  const timings: StepTimings[] = [];
  const tokens: number[] = [];
  let estimate: StepEstimate;
  try {
    // issue #23 §4: the estimate the setup screen shows before Start, from kernels timed here
    const cfg = presetConfig('repro', run);
    const shape = {
      nLayer: base.config.nLayer, prompts: run.per_device_train_batch_size, group: run.num_generations,
      promptTokens: maxPromptTokens(TOY_ENV, cfg), completionTokens: run.max_completion_length,
      probeRowsPerResponse: probeTokensPerSample(TOY_ENV, cfg), reference: cfg.beta > 0, critic: false,
    };
    estimate = estimateStep(shape, await timeStepKernels(ctx, base.config, 'bf16', rowsToTime(shape)));
    log(`estimate before the step: ${estimate.totalMs.toFixed(0)} ms (sampling ${estimate.samplingMs.toFixed(0)}, scoring ${estimate.scoringMs.toFixed(0)}, training ${estimate.trainingMs.toFixed(0)})`);
    for (let rep = 0; rep <= REPS; rep++) {
      await model.setParams(start);
      await model.setOptimizerState({ m: zero, v: zero.slice(), t: 0 });
      const trainer = await GrpoTrainer.create(model, presetConfig('repro', { ...run, seed: rep }));
      const m = await trainer.trainStep();
      log(`rep ${rep}/${REPS}: ${total(m.timings).toFixed(0)} ms (sampling ${m.timings.sampling.toFixed(0)}, scoring ${m.timings.scoring.toFixed(0)}, fwd/bwd ${m.timings.forwardBackward.toFixed(0)}, optimizer ${m.timings.optimizer.toFixed(0)}), ${m.responseTokens.toFixed(1)} tokens/response`);
      if (rep > 0) { timings.push(m.timings); tokens.push(m.responseTokens); }
    }
  } finally {
    model.dispose();
    base.weights.destroy();
  }
  const measured = median(timings.map(total));
  const step: BenchEntry = {
    name: 'lora-grpo-repro-step',
    value: measured,
    unit: 'ms',
    goal: 'report',
    detail: {
      samplingMs: median(timings.map((t) => t.sampling)), scoringMs: median(timings.map((t) => t.scoring)),
      forwardBackwardMs: median(timings.map((t) => t.forwardBackward)), optimizerMs: median(timings.map((t) => t.optimizer)),
      prompts: run.per_device_train_batch_size, samples: run.num_generations, maxTokens: run.max_completion_length, responseTokens: tokens,
      r: LORA.r, model: '4 layers × 256, toy vocabulary (50), BF16',
    },
  };
  return [step, {
    name: 'step-estimate-vs-measured',
    value: estimate.totalMs / measured,
    unit: '×',
    goal: 'report',
    detail: {
      meaning: 'the step-time estimate before Start (kernels timed at the model\'s shapes, src/engine/lora/stepEstimate.ts) ÷ the measured lora-grpo-repro-step',
      estimateMs: estimate, measuredMs: measured,
      measuredPhasesMs: { sampling: median(timings.map((t) => t.sampling)), scoring: median(timings.map((t) => t.scoring)), training: median(timings.map((t) => t.forwardBackward + t.optimizer)) },
    },
  }];
}

export const loraTrain: BenchSuite = {
  name: 'lora-train',
  async run(ctx, log) {
    return [await tokensPerSecond(ctx, log), ...(await grpoReproStep(ctx, log))];
  },
};
