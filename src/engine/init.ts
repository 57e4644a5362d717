// Seeded GPT-2 initialisation into the flat parameter layout (src/engine/config.ts):
// weights ~ N(0, 0.02), biases 0, LayerNorm weights 1, and the two residual projections
// (attprojw, fcprojw) scaled by 1/sqrt(2L) as in GPT-2 / nanoGPT, so the residual stream's
// variance does not grow with depth.
import { PARAM_NAMES, paramLayout, type ModelConfig, type ParamName } from './config.ts';
import { Rng } from '../sampling/rng.ts';

export const INIT_STD = 0.02;

type InitKind = 'normal' | 'residual' | 'zeros' | 'ones';

const INIT_KIND: Record<ParamName, InitKind> = {
  wte: 'normal', wpe: 'normal',
  ln1w: 'ones', ln1b: 'zeros',
  qkvw: 'normal', qkvb: 'zeros',
  attprojw: 'residual', attprojb: 'zeros',
  ln2w: 'ones', ln2b: 'zeros',
  fcw: 'normal', fcb: 'zeros',
  fcprojw: 'residual', fcprojb: 'zeros',
  lnfw: 'ones', lnfb: 'zeros',
};

/** Fresh parameters; the normals are drawn tensor by tensor in PARAM_NAMES order from Rng(seed). */
export function initParams(config: ModelConfig, seed: number): Float32Array {
  const layout = paramLayout(config);
  const params = new Float32Array(layout.total);
  const rng = new Rng(seed);
  const residualStd = INIT_STD / Math.sqrt(2 * config.nLayer);
  for (const name of PARAM_NAMES) {
    const view = params.subarray(layout.offsets[name], layout.offsets[name] + layout.sizes[name]);
    const kind = INIT_KIND[name];
    if (kind === 'ones') view.fill(1);
    else if (kind === 'normal' || kind === 'residual') {
      const std = kind === 'normal' ? INIT_STD : residualStd;
      for (let i = 0; i < view.length; i++) view[i] = std * rng.normal();
    }
  }
  return params;
}
