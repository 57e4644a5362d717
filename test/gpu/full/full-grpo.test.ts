// The GRPO trainer (src/rl/trainer.ts) with the RePro process reward and a KL to the reference
// policy, driving LlamaFullModel (every weight trained) on a tiny random Llama with BF16 weights
// whose vocabulary is the toy task's: one step completes with a finite loss and is not rejected,
// every tensor of the layout moves except the embedding rows of tokens the batch never saw (no
// weight decay here, so they get no update), and the base the model started from — π_ref — is
// byte-identical afterwards.
import { afterAll, expect, it } from 'vitest';
import { LlamaFullModel } from '../../../src/engine/full/fullModel.ts';
import { readBuffer } from '../../../src/gpu/buffers.ts';
import { presetConfig, type GrpoConfig } from '../../../src/rl/config.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';
import { VOCAB } from '../../../src/task/vocab.ts';
import { gpu } from '../engine/helpers.ts';
import { gpuBaseOf } from '../engine/loraHelpers.ts';
import { toyVocabLlama } from '../../util/tinyLlamaLora.ts';

const cleanup: (() => void)[] = [];
afterAll(() => { for (const f of cleanup) f(); });
const RUN: Partial<GrpoConfig> = {
  per_device_train_batch_size: 2, num_generations: 2, max_completion_length: 12,
  learning_rate: 1e-3, weight_decay: 0, temperature: 1, eval_every: 0, checkpoint_every: 0, seed: 3, beta: 0.04,
  segment_delimiter: ' ', process_reward_coef: 0.5,
};

it('one GRPO + RePro step with full fine-tuning trains every weight and leaves the base (π_ref) untouched', async () => {
  const ctx = await gpu();
  const base = gpuBaseOf(ctx, toyVocabLlama(VOCAB.length, { seed: 7, dtype: 'BF16' }));
  cleanup.push(() => base.weights.destroy());
  const model = await LlamaFullModel.create(ctx, base, { maxSeqLen: 64, maxBatchTokens: 4 * 64, maxInferenceRows: 128 });
  cleanup.push(() => model.dispose());
  const embedBuf = base.weights.embed.buf;
  const baseBefore = new Uint8Array(await readBuffer(ctx.device, embedBuf, embedBuf.size));
  const p0 = await model.getParams();
  const trainer = await GrpoTrainer.create(model, presetConfig('repro', RUN), {}, null, { env: toyEnv({ min_digits: 1, max_digits: 1 }) });
  const m = await trainer.trainStep();
  expect(m.skipped).toBe(false);
  expect(Number.isFinite(m.loss)).toBe(true);
  const p1 = await model.getParams();
  const C = base.config.nEmbd;
  for (const t of model.layout.tensors) {
    let moved = 0;
    for (let i = t.off; i < t.off + t.rows * t.cols; i++) if (p1[i] !== p0[i]) moved++;
    if (t.name === 'embed') expect(moved, 'embedding rows of the batch\'s tokens (tied: and the head)').toBeGreaterThan(C);
    else expect(moved / (t.rows * t.cols), t.name).toBeGreaterThan(0.9);
  }
  expect(new Uint8Array(await readBuffer(ctx.device, embedBuf, embedBuf.size))).toEqual(baseBefore);
});
