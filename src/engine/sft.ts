// Supervised fine-tuning of the toy reasoner on the task's traces (src/task), driving any
// TrainableModel (the WebGPU engine for real runs, the float64 CpuModel in tests). GPU-free.
//
// One step, top to bottom (nanoGPT's loop order):
//   lr (warmup + cosine) → eval callback when due → batch from the task (trimmed to its longest
//   row) → forward → loss = mean CE over target tokens → backward with dlogp = −mask/count →
//   AdamW step with global-norm clipping → log { step, loss, gradNorm, lr, tokensPerS }.
import type { AdamWConfig, TrainableModel } from './types.ts';
import { buildSftBatch, DEFAULT_TRACE_MIX, type SftBatch, type TraceMix } from '../task/sft.ts';
import type { ProblemOptions } from '../task/problem.ts';
import { Rng } from '../sampling/rng.ts';

export interface SftConfig {
  /** optimizer steps in the run */
  steps: number;
  /** rows per batch (B) */
  batchSize: number;
  /** peak learning rate, reached at the end of warmup */
  learningRate: number;
  /** linear warmup from 0 over this many steps */
  warmupSteps: number;
  /** cosine decay ends at learningRate · minLrRatio */
  minLrRatio: number;
  /** AdamW (src/engine/types.ts); learningRate there is overridden per step by the schedule */
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** max global grad norm; <= 0 disables clipping */
  gradClip: number;
  /** seed of the task's problem/trace stream */
  seed: number;
  /** shares of the trace styles (src/task/sft.ts) */
  mix: TraceMix;
  /** problem generator options (digits); split is always 'train' */
  problem: Partial<Omit<ProblemOptions, 'split'>>;
  /** call onEval every this many steps (and after the last); 0 = only after the last */
  evalEvery: number;
}

export const DEFAULT_SFT_CONFIG: SftConfig = {
  steps: 1000,
  batchSize: 16,
  learningRate: 3e-3,
  warmupSteps: 50,
  minLrRatio: 0.1,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  weightDecay: 0,
  gradClip: 1,
  seed: 1,
  mix: DEFAULT_TRACE_MIX,
  problem: {},
  evalEvery: 0,
};

export interface SftLog {
  /** 0-based step index */
  step: number;
  /** mean cross-entropy (nats) over the batch's target tokens, before this step's update */
  loss: number;
  /** global gradient norm before clipping */
  gradNorm: number;
  lr: number;
  /** batch positions (B·T, trimmed T) processed per second, forward + backward + step */
  tokensPerS: number;
  /** the optimizer rejected non-finite gradients (weights untouched) */
  skipped: boolean;
}

export interface SftCallbacks {
  onLog?: (log: SftLog) => void;
  /** called with the number of steps done so far; awaited (the loop pauses while it runs) */
  onEval?: (stepsDone: number) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface SftResult {
  stepsDone: number;
  cancelled: boolean;
  logs: SftLog[];
}

/** Learning rate at `step` (0-based): linear warmup to the peak, then cosine to peak · minLrRatio. */
export function learningRateAt(step: number, c: Pick<SftConfig, 'steps' | 'learningRate' | 'warmupSteps' | 'minLrRatio'>): number {
  if (step < c.warmupSteps) return (c.learningRate * (step + 1)) / c.warmupSteps;
  const decaySteps = Math.max(1, c.steps - c.warmupSteps);
  const progress = Math.min(1, (step - c.warmupSteps) / decaySteps);
  const minLr = c.learningRate * c.minLrRatio;
  return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (c.learningRate - minLr);
}

/** ∂(mean CE)/∂logp: −1/count at every target position, 0 at ignored ones (target −1). */
export function meanCrossEntropyGrad(targets: Int32Array): { dlogp: Float32Array; count: number } {
  let count = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] >= 0) count++;
  if (count === 0) throw new RangeError('meanCrossEntropyGrad: targets has no position to score (all -1)');
  const dlogp = new Float32Array(targets.length);
  for (let i = 0; i < targets.length; i++) if (targets[i] >= 0) dlogp[i] = -1 / count;
  return { dlogp, count };
}

/** Mean of −logp over target positions. */
export function meanCrossEntropy(logProbs: ArrayLike<number>, targets: Int32Array): number {
  if (logProbs.length !== targets.length) {
    throw new RangeError(`meanCrossEntropy: logProbs has ${logProbs.length} values, targets ${targets.length}`);
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i] < 0) continue;
    sum -= logProbs[i];
    count++;
  }
  if (count === 0) throw new RangeError('meanCrossEntropy: targets has no position to score (all -1)');
  return sum / count;
}

/** The batch with its time axis cut to the longest row (positions past it are padding only). */
export function trimBatch(batch: SftBatch): SftBatch {
  const { B, T } = batch;
  let used = 1;
  for (let b = 0; b < B; b++) {
    for (let t = T - 1; t >= used; t--) {
      if (batch.targets[b * T + t] >= 0) { used = t + 1; break; }
    }
  }
  if (used === T) return batch;
  const inputs = new Int32Array(B * used);
  const targets = new Int32Array(B * used);
  for (let b = 0; b < B; b++) {
    inputs.set(batch.inputs.subarray(b * T, b * T + used), b * used);
    targets.set(batch.targets.subarray(b * T, b * T + used), b * used);
  }
  return { ...batch, inputs, targets, T: used };
}

export function validateSftConfig(c: SftConfig): void {
  const int = (k: keyof SftConfig, min: number) => {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`SftConfig.${k} must be an integer >= ${min}, got ${v}`);
  };
  int('steps', 0);
  int('batchSize', 1);
  int('warmupSteps', 0);
  int('evalEvery', 0);
  if (!(Number.isFinite(c.learningRate) && c.learningRate >= 0)) throw new RangeError(`SftConfig.learningRate must be >= 0, got ${c.learningRate}`);
  if (!(c.minLrRatio >= 0 && c.minLrRatio <= 1)) throw new RangeError(`SftConfig.minLrRatio must be in [0, 1], got ${c.minLrRatio}`);
  if (!Number.isFinite(c.seed)) throw new RangeError(`SftConfig.seed must be a finite number, got ${c.seed}`);
}

/**
 * Runs `config.steps` SFT steps on `model` (continuing from its current weights and optimizer
 * state). Stops early, with cancelled: true, when `signal` aborts (checked before every step).
 */
export async function runSft(model: TrainableModel, config: SftConfig, cb: SftCallbacks = {}): Promise<SftResult> {
  validateSftConfig(config);
  const rng = new Rng(config.seed);
  const T = model.config.blockSize - 1; // a trace of blockSize tokens fills blockSize − 1 input positions
  const logs: SftLog[] = [];
  const adamw = (lr: number): AdamWConfig => ({
    learningRate: lr, beta1: config.beta1, beta2: config.beta2, eps: config.eps,
    weightDecay: config.weightDecay, gradClip: config.gradClip,
  });
  const evalDue = (done: number) => config.evalEvery > 0 && done > 0 && done % config.evalEvery === 0;

  for (let step = 0; step < config.steps; step++) {
    if (cb.signal?.aborted) return { stepsDone: step, cancelled: true, logs };
    const lr = learningRateAt(step, config);
    if (evalDue(step)) await cb.onEval?.(step);

    const t0 = performance.now();
    const batch = trimBatch(buildSftBatch(rng, config.batchSize, T, config.mix, { ...config.problem, split: 'train' }));
    const { logProbs } = await model.forward(batch.inputs, batch.targets, batch.B, batch.T);
    const loss = meanCrossEntropy(logProbs, batch.targets);
    model.zeroGrad();
    await model.backward(meanCrossEntropyGrad(batch.targets).dlogp);
    const { gradNorm, skipped } = await model.step(adamw(lr));
    const seconds = Math.max(1e-9, (performance.now() - t0) / 1000);

    const log: SftLog = { step, loss, gradNorm, lr, tokensPerS: (batch.B * batch.T) / seconds, skipped };
    logs.push(log);
    cb.onLog?.(log);
  }
  await cb.onEval?.(config.steps);
  return { stepsDone: config.steps, cancelled: false, logs };
}
