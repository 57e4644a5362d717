// A LoRA run survives a lost GPU device the way the toy's does (src/worker/trainingHost.ts: new
// device, last snapshot, resume): the step in flight on the destroyed device rejects (no hang),
// disposing the dead model does not throw, and on a new device the base uploaded again + the
// snapshot of step 1 (adapters + AdamW moments + trainer state) repeat step 2 as it ran on the
// lost device, bit for bit.
import { describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device.ts';
import { LORA_TARGETS } from '../../../src/engine/lora/loraConfig.ts';
import { LlamaLoraModel } from '../../../src/engine/lora/loraModel.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';
import { VOCAB } from '../../../src/task/vocab.ts';
import { gpuBaseOf } from '../engine/loraHelpers.ts';
import { toyVocabLlama } from '../../util/tinyLlamaLora.ts';

/** the toy task on 1-digit problems (short prompts) */
const ENV = toyEnv({ min_digits: 1, max_digits: 1 });
const FOLDER = toyVocabLlama(VOCAB.length, { seed: 9, dtype: 'F16' });
const LORA = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: [...LORA_TARGETS] };
const RUN = presetConfig('repro', {
  per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 16,
  learning_rate: 2e-2, eval_every: 0, checkpoint_every: 0, seed: 4, beta: 0.04, segment_delimiter: ' ', process_reward_coef: 0.5,
});

async function build(ctx: GpuContext) {
  const base = gpuBaseOf(ctx, FOLDER);
  const model = await LlamaLoraModel.create(ctx, base, LORA, { maxSeqLen: 64, maxBatchTokens: 8 * 64, maxInferenceRows: 256, seed: 2 });
  return { base, model };
}

describe('LoRA training and a lost GPU device', () => {
  it('the step in flight rejects; a new device + the base + the last snapshot repeat the next step exactly', async () => {
    // steps 1 and 2 on device B (step 1's snapshot kept), then step 3 in flight when B is lost
    const ctxB = await acquireGpu();
    const b = await build(ctxB);
    const tb = await GrpoTrainer.create(b.model, RUN, {}, null, { env: ENV });
    await tb.trainStep();
    const snap = await tb.snapshot();
    const want = await tb.trainStep();
    const wantParams = await b.model.getParams();
    const inFlight = tb.trainStep();
    ctxB.device.destroy();
    await expect(inFlight).rejects.toThrow();
    expect(ctxB.isLost()).toBe(true);
    expect(() => { b.model.dispose(); b.base.weights.destroy(); }).not.toThrow();

    const ctxC = await acquireGpu();
    const c = await build(ctxC);
    const tc = await GrpoTrainer.restore(c.model, snap, {}, null, { env: ENV });
    const got = await tc.trainStep();
    expect(got.loss).toBe(want.loss);
    expect(got.reward).toBe(want.reward);
    expect(Array.from(await c.model.getParams())).toEqual(Array.from(wantParams));
    c.model.dispose();
    c.base.weights.destroy();
    ctxC.device.destroy();
  });
});
