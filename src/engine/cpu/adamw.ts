// AdamW with global-norm gradient clipping, float64, as llm.c's gpt2_update:
//   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  m̂ = m/(1−β1^t),  v̂ = v/(1−β2^t)
//   θ ← θ − lr·( m̂/(√v̂ + eps) + wd·θ )      (wd only on 2-D weight matrices)
// where g is the gradient scaled by min(1, gradClip/‖g‖) when gradClip > 0.
// Non-finite gradients, or a step that would make any parameter non-finite, leave θ, m, v and t
// untouched and report skipped: true.
import { PARAM_NAMES, paramLayout, type ModelConfig } from '../config.ts';
import type { AdamWConfig, StepResult } from '../types.ts';
import { DECAYED_PARAMS, validateAdamW } from '../adamwConfig.ts';

export { DECAYED_PARAMS, validateAdamW };

export interface AdamWState {
  m: Float64Array;
  v: Float64Array;
  t: number; // steps taken
}

/** 1 where the element gets weight decay, per the flat layout. */
export function weightDecayMask(config: ModelConfig): Uint8Array {
  const layout = paramLayout(config);
  const mask = new Uint8Array(layout.total);
  for (const name of PARAM_NAMES) {
    if (DECAYED_PARAMS.includes(name)) mask.fill(1, layout.offsets[name], layout.offsets[name] + layout.sizes[name]);
  }
  return mask;
}

export function globalNorm(grads: Float64Array): number {
  let s = 0;
  for (let i = 0; i < grads.length; i++) s += grads[i] * grads[i];
  return Math.sqrt(s);
}

/** One AdamW step in place on params and state; grads are read, never modified. */
export function adamwStep(
  params: Float64Array, grads: Float64Array, state: AdamWState, decayMask: Uint8Array, opt: AdamWConfig,
): StepResult {
  validateAdamW(opt);
  const n = params.length;
  if (grads.length !== n || state.m.length !== n || state.v.length !== n || decayMask.length !== n) {
    throw new RangeError(`adamwStep: params (${n}), grads (${grads.length}), m (${state.m.length}), v (${state.v.length}) and decayMask (${decayMask.length}) must have equal lengths`);
  }
  const gradNorm = globalNorm(grads);
  if (!Number.isFinite(gradNorm)) return { gradNorm, skipped: true };
  const clip = opt.gradClip > 0 && gradNorm > opt.gradClip ? opt.gradClip / gradNorm : 1;
  const t = state.t + 1;
  const c1 = 1 - opt.beta1 ** t;
  const c2 = 1 - opt.beta2 ** t;
  const newP = new Float64Array(n);
  const newM = new Float64Array(n);
  const newV = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = grads[i] * clip;
    const m = opt.beta1 * state.m[i] + (1 - opt.beta1) * g;
    const v = opt.beta2 * state.v[i] + (1 - opt.beta2) * g * g;
    const mhat = m / c1;
    const vhat = v / c2;
    const wd = decayMask[i] ? opt.weightDecay * params[i] : 0;
    const p = params[i] - opt.learningRate * (mhat / (Math.sqrt(vhat) + opt.eps) + wd);
    if (!Number.isFinite(p)) return { gradNorm, skipped: true };
    newP[i] = p;
    newM[i] = m;
    newV[i] = v;
  }
  params.set(newP);
  state.m.set(newM);
  state.v.set(newV);
  state.t = t;
  return { gradNorm, skipped: false };
}
