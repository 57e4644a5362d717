// train-step-vs-tfjs: one SFT training step of the toy GPT-2 (forward, backward of mean
// cross-entropy, AdamW with global-norm clipping) on our WebGPU engine (src/engine/gpu GpuModel)
// versus the same architecture and step written with TensorFlow.js on its WebGPU backend
// (bench/tfjsGpt.ts). Both start from identical weights and see identical batches (src/task
// buildSftBatch); their first-step losses must agree within 1e-3, else the suite fails (a speedup
// of a different computation is worth nothing). Timed in interleaved blocks of consecutive steps,
// each block ending in a GPU sync; value = our tokens/s ÷ TF.js tokens/s (median block times).
import * as tf from '@tensorflow/tfjs';
import { createTfjsTrainer } from '../tfjsGpt.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { GpuModel } from '../../src/engine/gpu/model.ts';
import { decodeCheckpoint } from '../../src/engine/checkpoint.ts';
import { initParams } from '../../src/engine/init.ts';
import { meanCrossEntropy, meanCrossEntropyGrad } from '../../src/engine/sft.ts';
import type { ModelConfig } from '../../src/engine/config.ts';
import type { AdamWConfig } from '../../src/engine/types.ts';
import { buildSftBatch, type SftBatch } from '../../src/task/sft.ts';
import { DEFAULT_TRAIN_TOY_SPEC } from '../../scripts/train-toy/spec.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { Rng } from '../../src/sampling/rng.ts';
import { median } from './median.ts';

// SwiftShader on 2 shared cores: a B = 16 step took ~25 s here (TF.js ~200 s), so B = 8 and
// few, single-step blocks keep the suite under ~10 minutes.
const B = 8;
const T = 128;
const WARMUP_STEPS = 1; // pipeline / shader compilation on both sides; also the loss check
const BLOCKS = 3; // interleaved A/B blocks; the median block is reported
const STEPS_PER_BLOCK = 1;
const BATCH_SEED = 2024;
const LOSS_TOLERANCE = 1e-3;
/** The toy recipe's optimizer (scripts/train-toy/spec.ts), at its peak learning rate. */
const ADAMW: AdamWConfig = {
  learningRate: DEFAULT_TRAIN_TOY_SPEC.sft.learningRate, beta1: DEFAULT_TRAIN_TOY_SPEC.sft.beta1,
  beta2: DEFAULT_TRAIN_TOY_SPEC.sft.beta2, eps: DEFAULT_TRAIN_TOY_SPEC.sft.eps,
  weightDecay: DEFAULT_TRAIN_TOY_SPEC.sft.weightDecay, gradClip: DEFAULT_TRAIN_TOY_SPEC.sft.gradClip,
};


/** The bundled SFT checkpoint when the dev server has one, else the toy recipe's shape, seeded init. */
export async function toyWeights(): Promise<{ config: ModelConfig; params: Float32Array; source: string }> {
  try {
    const res = await fetch('/models/toy-reasoner/model.safetensors');
    // a missing public file comes back as the SPA's index.html with status 200
    if (res.ok && !(res.headers.get('content-type') ?? '').includes('text/html')) {
      const ck = decodeCheckpoint(new Uint8Array(await res.arrayBuffer()));
      return { config: ck.config, params: ck.params, source: 'bundled SFT checkpoint (public/models/toy-reasoner)' };
    }
  } catch {
    // fall through to a seeded init of the same shape
  }
  const config = DEFAULT_TRAIN_TOY_SPEC.model;
  return { config, params: initParams(config, DEFAULT_TRAIN_TOY_SPEC.initSeed), source: 'seeded init of the toy recipe shape (no checkpoint served)' };
}

/** One training step on the engine; resolves (GPU work done) with the loss before the update. */
async function engineStep(model: GpuModel, batch: SftBatch): Promise<number> {
  model.zeroGrad();
  const { logProbs } = await model.forward(batch.inputs, batch.targets, batch.B, batch.T);
  // The product's loss and gradient (src/engine/sft.ts), what runSft trains with.
  const loss = meanCrossEntropy(logProbs, batch.targets);
  const { dlogp } = meanCrossEntropyGrad(batch.targets);
  await model.backward(dlogp);
  const r = await model.step(ADAMW);
  if (r.skipped) throw new Error(`engine step skipped (non-finite gradient norm ${r.gradNorm})`);
  return loss;
}

/** Wait for all TF.js GPU work queued so far (its step leaves the AdamW update in flight). */
async function tfjsSync(): Promise<void> {
  const x = tf.tidy(() => tf.scalar(1).add(1));
  await x.data();
  x.dispose();
}

export const trainStep: BenchSuite = {
  name: 'train-step',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const w = await toyWeights();
    if (T > w.config.blockSize) throw new Error(`train-step: T = ${T} exceeds the model's blockSize ${w.config.blockSize}`);
    // one batch stream, the same batches for both engines
    const rng = new Rng(BATCH_SEED);
    const batches = Array.from({ length: WARMUP_STEPS + BLOCKS * STEPS_PER_BLOCK }, () => buildSftBatch(rng, B, T));
    const ours = await GpuModel.create(ctx, w.config, w.params, { maxBatchTokens: B * T });
    // TF.js creates and owns a second GPUDevice on the same adapter; the two never run at once
    const theirs = await createTfjsTrainer(w.config, B, T, 0, w.params, ADAMW, 'webgpu');
    try {
      const warm = { ours: [] as number[], theirs: [] as number[] };
      for (let s = 0; s < WARMUP_STEPS; s++) {
        let t0 = performance.now();
        warm.ours.push(await engineStep(ours, batches[s]));
        const oursMs = performance.now() - t0;
        t0 = performance.now();
        warm.theirs.push(await theirs.step(batches[s].inputs, batches[s].targets));
        await tfjsSync();
        log(`warm-up step ${s + 1}/${WARMUP_STEPS}: engine ${oursMs.toFixed(0)} ms, TF.js ${(performance.now() - t0).toFixed(0)} ms`);
      }
      const firstLossDiff = Math.abs(warm.ours[0] - warm.theirs[0]);
      log(`first-step loss: engine ${warm.ours[0].toFixed(6)}, TF.js ${warm.theirs[0].toFixed(6)} (|Δ| = ${firstLossDiff.toExponential(2)})`);
      if (!(firstLossDiff <= LOSS_TOLERANCE)) {
        throw new Error(`train-step: first-step losses differ by ${firstLossDiff} > ${LOSS_TOLERANCE}: not the same computation`);
      }
      const blockMs = { ours: [] as number[], theirs: [] as number[] };
      const lastLoss = { ours: NaN, theirs: NaN };
      for (let blk = 0; blk < BLOCKS; blk++) {
        const slice = batches.slice(WARMUP_STEPS + blk * STEPS_PER_BLOCK, WARMUP_STEPS + (blk + 1) * STEPS_PER_BLOCK);
        // alternate which side goes first, so slow drift of the machine's load hits both alike
        const order = blk % 2 ? ['theirs', 'ours'] as const : ['ours', 'theirs'] as const;
        for (const side of order) {
          const t0 = performance.now();
          for (const b of slice) {
            lastLoss[side] = side === 'ours' ? await engineStep(ours, b) : await theirs.step(b.inputs, b.targets);
          }
          if (side === 'theirs') await tfjsSync();
          blockMs[side].push((performance.now() - t0) / STEPS_PER_BLOCK);
        }
        log(`block ${blk + 1}/${BLOCKS}: engine ${blockMs.ours[blk].toFixed(0)} ms/step, TF.js ${blockMs.theirs[blk].toFixed(0)} ms/step`);
      }
      const oursMs = median(blockMs.ours);
      const theirsMs = median(blockMs.theirs);
      const tokensPerStep = B * T;
      return [{
        name: 'train-step-vs-tfjs',
        value: theirsMs / oursMs, // = (tokens/oursMs) / (tokens/theirsMs)
        unit: '×',
        goal: '≥ 2',
        detail: {
          engineMsPerStep: oursMs, tfjsMsPerStep: theirsMs,
          engineTokensPerS: tokensPerStep / (oursMs / 1000), tfjsTokensPerS: tokensPerStep / (theirsMs / 1000),
          B, T, tokensPerStep, blocks: BLOCKS, stepsPerBlock: STEPS_PER_BLOCK, warmupSteps: WARMUP_STEPS,
          engineBlockMsPerStep: blockMs.ours, tfjsBlockMsPerStep: blockMs.theirs,
          firstLoss: { engine: warm.ours[0], tfjs: warm.theirs[0] }, firstLossAbsDiff: firstLossDiff,
          lastLoss: { engine: lastLoss.ours, tfjs: lastLoss.theirs },
          model: w.config, weights: w.source, adamw: ADAMW, tfjsBackend: theirs.backend,
          note: 'same architecture, weights, batches and AdamW (clip 1); tokens = B·T positions per step; '
            + 'TF.js runs on its own GPUDevice (same adapter), created by tfjs-backend-webgpu',
        },
      }];
    } finally {
      ours.dispose();
      theirs.dispose();
    }
  },
};
