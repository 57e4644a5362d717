// Runner for the AdamW step with global-norm clipping (shaders/engine_adamw.wgsl): three
// dispatches (norm, check, update) recorded together; the caller reads back the 2-word state.
import adamwSrc from '../../../../shaders/engine_adamw.wgsl?raw';
import { PARAM_NAMES, paramLayout, type ModelConfig } from '../../config.ts';
import { DECAYED_PARAMS } from '../../cpu/adamw.ts';
import type { AdamWConfig } from '../../types.ts';
import { grid, Uniforms, type Recorder } from '../encoding.ts';

const WG = 256;
const MAX_RANGES = 6;

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
  const u = () => {
    const w = new Uniforms().u32(P).f32(
      opt.learningRate, opt.beta1, opt.beta2, opt.eps, opt.weightDecay, opt.gradClip,
      1 - opt.beta1 ** t, 1 - opt.beta2 ** t,
    ).u32(ranges.length, 0, 0);
    for (let k = 0; k < MAX_RANGES; k++) w.u32(...(ranges[k] ?? [0, 0]));
    return w;
  };
  rec.dispatch(adamwSrc, 'norm_main', [b.grads, b.state, null, null, null], u(), [1], { WG });
  rec.dispatch(adamwSrc, 'check_main', [b.grads, b.state, b.params, b.m, b.v], u(), grid(P, WG), { WG });
  rec.dispatch(adamwSrc, 'update_main', [b.grads, b.state, b.params, b.m, b.v], u(), grid(P, WG), { WG });
}
