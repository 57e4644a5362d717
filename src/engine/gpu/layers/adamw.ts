// Runner for the AdamW step with global-norm clipping (shaders/engine_adamw.wgsl): three
// dispatches (norm, check, update) recorded together; the caller reads back the 2-word state.
import { uniformWords } from '../../../gpu/kernelInterface.ts';
import { ADAMW_KERNEL } from '../../../gpu/kernels/engine.ts';
import { PARAM_NAMES, paramLayout, type ModelConfig } from '../../config.ts';
import { DECAYED_PARAMS } from '../../adamwConfig.ts';
import type { AdamWConfig } from '../../types.ts';
import { grid, type Recorder } from '../encoding.ts';

/** Decay ranges the uniform block holds: two u32 (start, end) per range. */
export const MAX_RANGES = uniformWords(ADAMW_KERNEL.uniforms.ranges) / 2;

/** Contiguous [start, end) element ranges of the weight-decayed tensors, adjacent ones merged. */
export function decayRanges(config: ModelConfig): [number, number][] {
  const layout = paramLayout(config);
  const out: [number, number][] = [];
  for (const name of PARAM_NAMES) {
    if (!DECAYED_PARAMS.includes(name)) continue;
    const s = layout.offsets[name];
    const e = s + layout.sizes[name];
    const last = out[out.length - 1];
    if (last && last[1] === s) last[1] = e;
    else out.push([s, e]);
  }
  if (out.length > MAX_RANGES) throw new Error(`decayRanges: ${out.length} ranges, the shader holds ${MAX_RANGES}`);
  return out;
}

export interface AdamWBuffers { params: GPUBuffer; grads: GPUBuffer; m: GPUBuffer; v: GPUBuffer; state: GPUBuffer }

/** Records the step t (1-based, the step being taken) over P parameters. */
export function adamwStep(
  rec: Recorder, b: AdamWBuffers, P: number, t: number, opt: AdamWConfig, ranges: [number, number][],
): void {
  const u = {
    P, lr: opt.learningRate, beta1: opt.beta1, beta2: opt.beta2, eps: opt.eps, wd: opt.weightDecay,
    gradClip: opt.gradClip, c1: 1 - opt.beta1 ** t, c2: 1 - opt.beta2 ** t,
    nRanges: ranges.length, ranges: ranges.flat(),
  };
  const { WG } = ADAMW_KERNEL.overrides;
  const all = { grads: b.grads, state: b.state, params: b.params, m: b.m, v: b.v };
  rec.dispatch(ADAMW_KERNEL, 'norm_main', { ...all, params: null, m: null, v: null }, u, [1]);
  rec.dispatch(ADAMW_KERNEL, 'check_main', all, u, grid(P, WG));
  rec.dispatch(ADAMW_KERNEL, 'update_main', all, u, grid(P, WG));
}
