// lora-step-vs-full-step (issue 22 §5): one GRPO + RePro step of the trainer with LoRA (r 16, all
// seven targets, LlamaLoraModel) vs full fine-tuning (every weight trained in f32, LlamaFullModel,
// src/engine/full/) on the same tiny Llama and the same batch: the 4 × 256 Llama with the toy
// task's vocabulary (BF16 weights) that lora-grpo-repro-step uses, 2 prompts × 4 samples × 32
// tokens. Both policies start as the base (LoRA's B = 0; the full model's weights the base decoded
// to f32), and each rep's trainer has the same seed, so both draw the same prompts and, from the
// same function, the same rollouts (response tokens reported for both to show it).
// value = median full step ms ÷ median LoRA step ms, reps interleaved (LoRA, full, LoRA, full, …)
// so a load change on the shared machine hits both; rep 0 (pipeline compilation) is dropped.
// GPU bytes of each: what trains (parameters + gradients + AdamW m, v) from the models' own
// accounts (memory()), with the rest of what each holds beside it.
import type { GpuContext } from '../../src/gpu/device.ts';
import { LlamaFullModel } from '../../src/engine/full/fullModel.ts';
import { LORA_TARGETS, type LoraConfig } from '../../src/engine/lora/loraConfig.ts';
import { LlamaLoraModel } from '../../src/engine/lora/loraModel.ts';
import type { TrainableModel } from '../../src/engine/types.ts';
import { presetConfig } from '../../src/rl/config.ts';
import type { StepTimings } from '../../src/rl/metrics.ts';
import { GrpoTrainer } from '../../src/rl/trainer.ts';
import { VOCAB } from '../../src/task/vocab.ts';
import { gpuBaseOf } from '../../test/gpu/engine/loraHelpers.ts';
import { toyVocabLlama } from '../../test/util/tinyLlamaLora.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { median } from './median.ts';
import { total } from './grpoStep.ts';

const LORA: LoraConfig = { r: 16, lora_alpha: 32, lora_dropout: 0, target_modules: [...LORA_TARGETS] };
const REPS = 3;
const SIZES = { maxSeqLen: 128, maxBatchTokens: 8 * 128, maxInferenceRows: 512 };
const RUN = {
  per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 32,
  eval_every: 0, checkpoint_every: 0, entropy_top_k: 8, beta: 0.04, segment_delimiter: ' ',
};

interface Arm {
  name: 'lora' | 'full';
  model: TrainableModel;
  start: Float32Array;
  timings: StepTimings[];
  tokens: number[];
}

async function oneStep(arm: Arm, rep: number, log: (l: string) => void): Promise<void> {
  const zero = new Float32Array(arm.start.length);
  await arm.model.setParams(arm.start);
  await arm.model.setOptimizerState({ m: zero, v: zero.slice(), t: 0 });
  const trainer = await GrpoTrainer.create(arm.model, presetConfig('repro', { ...RUN, seed: rep }));
  const m = await trainer.trainStep();
  if (m.skipped) throw new Error(`${arm.name}: the benchmark step was rejected (non-finite gradient)`);
  const t = m.timings;
  log(`rep ${rep}/${REPS} ${arm.name}: ${total(t).toFixed(0)} ms (sampling ${t.sampling.toFixed(0)}, scoring ${t.scoring.toFixed(0)}, fwd/bwd ${t.forwardBackward.toFixed(0)}, optimizer ${t.optimizer.toFixed(0)}), ${m.responseTokens.toFixed(1)} tokens/response`);
  if (rep > 0) { arm.timings.push(t); arm.tokens.push(m.responseTokens); }
}

const phases = (ts: StepTimings[]) => ({
  totalMs: median(ts.map(total)), samplingMs: median(ts.map((t) => t.sampling)), scoringMs: median(ts.map((t) => t.scoring)),
  forwardBackwardMs: median(ts.map((t) => t.forwardBackward)), optimizerMs: median(ts.map((t) => t.optimizer)),
});

async function loraVsFull(ctx: GpuContext, log: (l: string) => void): Promise<BenchEntry> {
  const base = gpuBaseOf(ctx, toyVocabLlama(VOCAB.length, { name: 'bench', seed: 1, dtype: 'BF16', positions: 128 }));
  const lora = await LlamaLoraModel.create(ctx, base, LORA, { ...SIZES, seed: 1 });
  const full = await LlamaFullModel.create(ctx, base, SIZES);
  try {
    const arms: Arm[] = [
      { name: 'lora', model: lora, start: await lora.getParams(), timings: [], tokens: [] },
      { name: 'full', model: full, start: await full.getParams(), timings: [], tokens: [] },
    ];
    for (let rep = 0; rep <= REPS; rep++) for (const arm of arms) await oneStep(arm, rep, log);
    const [l, f] = arms.map((a) => phases(a.timings));
    const lm = lora.memory(), fm = full.memory();
    const loraTrained = lm.adapters + lm.optimizer;
    const fullTrained = fm.params + fm.grads + fm.optimizer;
    log(`trained bytes (params + grads + AdamW m, v): LoRA ${loraTrained}, full ${fullTrained} (${(fullTrained / loraTrained).toFixed(1)} ×)`);
    return {
      name: 'lora-step-vs-full-step',
      value: f.totalMs / l.totalMs,
      unit: '×',
      goal: 'report',
      detail: {
        meaning: 'median GRPO+RePro step time with full fine-tuning ÷ with LoRA (r 16, all seven targets), same model, batch and seeds; > 1: full fine-tuning is slower',
        loraStep: l, fullStep: f,
        perRepRatios: arms[1].timings.map((t, i) => total(t) / total(arms[0].timings[i])),
        loraResponseTokens: arms[0].tokens, fullResponseTokens: arms[1].tokens,
        trainedBytes: { lora: loraTrained, full: fullTrained, fullOverLora: fullTrained / loraTrained },
        trainedElements: { lora: lora.layout.total, full: full.layout.total },
        loraMemory: lm, fullMemory: fm,
        prompts: RUN.per_device_train_batch_size, samples: RUN.num_generations, maxTokens: RUN.max_completion_length,
        model: '4 layers × 256 (4/2 heads, I 704), toy vocabulary (50), tied, BF16 base', reps: REPS,
      },
    };
  } finally {
    lora.dispose();
    full.dispose();
    base.weights.destroy();
  }
}

export const loraVsFullStep: BenchSuite = {
  name: 'lora-step-vs-full-step',
  async run(ctx, log) {
    return [await loraVsFull(ctx, log)];
  },
};
