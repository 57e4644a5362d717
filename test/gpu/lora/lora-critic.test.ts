// The LoRA PPO critic (src/engine/lora/loraCritic.ts: its own adapters + a value head on the shared
// frozen base) against the float64 CPU reference (llamaTrainForward's lnf, llamaTrunkBackward):
// values, and the gradient of every adapter matrix and of the head. Then PPO (GAE with this
// critic) + RePro through the trainer for two steps, policy and critic borrowing one base.
import { afterAll, describe, expect, it } from 'vitest';
import { llamaTrainForward, llamaTrunkBackward } from '../../../src/engine/cpu/llamaTrain.ts';
import { LORA_TARGETS, type LoraConfig } from '../../../src/engine/lora/loraConfig.ts';
import { LlamaLoraCritic, loraCriticParamCount } from '../../../src/engine/lora/loraCritic.ts';
import { LlamaLoraModel } from '../../../src/engine/lora/loraModel.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { VOCAB } from '../../../src/task/vocab.ts';
import { tinyLlama } from '../../util/tinyLlama.ts';
import { toyVocabLlama } from '../../util/tinyLlamaLora.ts';
import { gpu, randomArray, randomIds, relNormErr } from '../engine/helpers.ts';
import { gpuBaseOf } from '../engine/loraHelpers.ts';

const cleanup: (() => void)[] = [];
/** the toy task on 1-digit problems (short prompts) */
const ENV = toyEnv({ min_digits: 1, max_digits: 1 });
afterAll(() => { for (const f of cleanup) f(); });
const LORA: LoraConfig = { r: 2, lora_alpha: 3, lora_dropout: 0, target_modules: [...LORA_TARGETS] };

describe('LlamaLoraCritic', () => {
  it('values and every gradient (adapters, w, b) equal the float64 CPU reference (Qwen3 q/k norm, F16 base)', async () => {
    const ctx = await gpu();
    const base = gpuBaseOf(ctx, tinyLlama({ name: 'qwen3-qknorm', dtype: 'F16', seed: 2 }).folder);
    cleanup.push(() => base.weights.destroy());
    const B = 2, T = 5, N = B * T, C = base.config.nEmbd;
    const critic = await LlamaLoraCritic.create(ctx, base, LORA, { maxSeqLen: 8, maxBatchTokens: 16 });
    cleanup.push(() => critic.dispose());
    const P = critic.layout.total;
    expect(loraCriticParamCount(critic.layout, base.config)).toBe(P + C + 1);
    const rng = new Rng(4);
    const params = Float32Array.from(randomArray(P + C + 1, rng).map((x) => 0.3 * x));
    await critic.setParams(params);
    const inputs = randomIds(N, base.config.vocabSize, rng);
    const dv = Float32Array.from(randomArray(N, rng));

    critic.zeroGrad();
    const got = await critic.values(inputs, B, T);
    await critic.backward(dv);
    const g = await critic.getGrads();

    const lora = { layout: critic.layout, params: Float64Array.from(params.subarray(0, P)) };
    const rec = llamaTrainForward(base.config, base.cpu, lora, inputs, new Int32Array(N).fill(-1), B, T);
    const w = params.subarray(P, P + C), bias = params[P + C];
    const want = Float64Array.from({ length: N }, (_, r) => rec.lnf.subarray(r * C, (r + 1) * C).reduce((s, x, c) => s + x * w[c], bias));
    const vErr = Math.max(...Array.from(got, (x, i) => Math.abs(x - want[i])));
    expect(vErr).toBeLessThan(1e-4);

    const dlnf = new Float64Array(N * C);
    const gw = new Float64Array(C);
    let gb = 0;
    for (let r = 0; r < N; r++) {
      gb += dv[r];
      for (let c = 0; c < C; c++) { dlnf[r * C + c] = dv[r] * w[c]; gw[c] += dv[r] * rec.lnf[r * C + c]; }
    }
    const dlora = new Float64Array(P);
    llamaTrunkBackward(base.config, base.cpu, lora, rec, dlnf, dlora);
    let worst = 0;
    for (const s of critic.layout.slots) {
      for (const [lo, hi] of [[s.a, s.b], [s.b, s.b + s.outW * critic.layout.r]]) {
        const e = relNormErr(g, dlora, lo, hi);
        expect(e, `${s.layer}:${s.target}`).toBeLessThan(1e-3);
        worst = Math.max(worst, e);
      }
    }
    const wErr = relNormErr(g.subarray(P, P + C), gw);
    expect(wErr).toBeLessThan(1e-4);
    expect(Math.abs(g[P + C] - gb)).toBeLessThan(1e-4 * Math.max(1, Math.abs(gb)));
    console.log(`LoRA critic: |Δvalue| ${vErr.toExponential(2)}, worst adapter-matrix gradient error ${worst.toExponential(2)}, head w ${wErr.toExponential(2)}`);
  });

  it('PPO (GAE, this critic) + RePro: two steps on one shared base; both sets of adapters train', async () => {
    const ctx = await gpu();
    const base = gpuBaseOf(ctx, toyVocabLlama(VOCAB.length, { seed: 7, dtype: 'BF16' }));
    cleanup.push(() => base.weights.destroy());
    const sizes = { maxSeqLen: 64, maxBatchTokens: 8 * 64 };
    const policy = await LlamaLoraModel.create(ctx, base, { ...LORA, r: 4, lora_alpha: 8 }, { ...sizes, maxInferenceRows: 256, seed: 5 });
    const critic = await LlamaLoraCritic.create(ctx, base, { ...LORA, r: 4, lora_alpha: 8 }, { ...sizes, seed: 6 });
    cleanup.push(() => { policy.dispose(); critic.dispose(); });
    const c0 = await critic.getParams();
    const trainer = await GrpoTrainer.create(policy, presetConfig('repro', {
      adv_estimator: 'gae', critic_warmup: 0, per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 20,
      learning_rate: 2e-2, eval_every: 0, checkpoint_every: 0, seed: 3, segment_delimiter: ' ', process_reward_coef: 0.5,
    }), {}, critic, { env: ENV });
    for (let s = 0; s < 2; s++) {
      const m = await trainer.trainStep();
      expect(Number.isFinite(m.loss), `loss ${m.loss}`).toBe(true);
      expect(Number.isFinite(m.valueLoss ?? NaN), `value loss ${m.valueLoss}`).toBe(true);
      expect(m.skipped).toBe(false);
    }
    const c2 = await critic.getParams();
    expect(c2.some((x, i) => x !== c0[i])).toBe(true);
    const snap = await trainer.snapshot();
    expect(snap.critic?.params.length).toBe(loraCriticParamCount(critic.layout, base.config));
    expect(snap.params.length).toBe(policy.layout.total);
  });
});
