// Rotary position embedding tables (cos, sin per position and frequency), built on the CPU exactly
// as transformers builds them in float32 (modeling_rope_utils.py `_compute_default_rope_parameters`,
// `_compute_llama3_parameters`; LlamaRotaryEmbedding.forward): every torch float32 operation is
// one Math.fround here, in torch's order. Python scalars meet float32 tensors as float32 (torch's
// type promotion), and `scalar / tensor` is `tensor.reciprocal() * scalar` (torch's __rdiv__).
// The GPU reads the table instead of computing sin/cos: WGSL's sin/cos of large angles are
// imprecise. Pure: runs in Node.
import type { Llama3RopeScaling, LlamaConfig } from './llamaConfig.ts';

const f = Math.fround;

/** inv_freq [HD/2]: 1 / theta^(2i/HD), then Llama-3's frequency-dependent scaling if given. */
export function ropeInvFreq(headDim: number, theta: number, scaling: Llama3RopeScaling | null = null): Float32Array {
  if (!Number.isInteger(headDim) || headDim <= 0 || headDim % 2 !== 0) throw new RangeError(`rope: head_dim must be a positive even integer, got ${headDim}`);
  if (!(theta > 0)) throw new RangeError(`rope: rope_theta must be > 0, got ${theta}`);
  const half = headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    // base ** (arange(0, dim, 2).float() / dim), then 1.0 / that
    const p = f(Math.pow(f(theta), f((2 * i) / headDim)));
    inv[i] = f(1 / p);
  }
  return scaling ? llama3InvFreq(inv, scaling) : inv;
}

/**
 * Llama-3 scaling: wavelengths longer than original_max / low_freq_factor are divided by factor,
 * shorter than original_max / high_freq_factor kept, the band between interpolated smoothly.
 */
export function llama3InvFreq(inv: Float32Array, s: Llama3RopeScaling): Float32Array {
  const factor = f(s.factor);
  const low = f(s.lowFreqFactor);
  const old = f(s.originalMaxPositionEmbeddings);
  const lowWavelen = f(s.originalMaxPositionEmbeddings / s.lowFreqFactor);
  const highWavelen = f(s.originalMaxPositionEmbeddings / s.highFreqFactor);
  const twoPi = f(2 * Math.PI);
  const bandWidth = f(s.highFreqFactor - s.lowFreqFactor);
  const out = new Float32Array(inv.length);
  for (let i = 0; i < inv.length; i++) {
    const wavelen = f(f(1 / inv[i]) * twoPi);
    const scaled = wavelen > lowWavelen ? f(inv[i] / factor) : inv[i];
    const medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
    if (!medium) { out[i] = scaled; continue; }
    const smooth = f(f(f(f(1 / wavelen) * old) - low) / bandWidth);
    out[i] = f(f(f(f(1 - smooth) * scaled) / factor) + f(smooth * scaled));
  }
  return out;
}

/**
 * cos and sin tables [2, P, HD/2] for positions 0 … P−1 (cos block first): angle = f32(inv_freq · pos)
 * as torch's float32 matmul gives it, cos/sin of that float32 angle rounded to float32.
 */
export function ropeTable(invFreq: Float32Array, P: number): Float32Array {
  if (!Number.isInteger(P) || P <= 0) throw new RangeError(`rope: table positions must be a positive integer, got ${P}`);
  const half = invFreq.length;
  const out = new Float32Array(2 * P * half);
  for (let p = 0; p < P; p++) {
    for (let i = 0; i < half; i++) {
      const angle = f(invFreq[i] * f(p));
      out[p * half + i] = Math.cos(angle);
      out[(P + p) * half + i] = Math.sin(angle);
    }
  }
  return out;
}

/** The table of a Llama-family config for positions 0 … P−1 (P = blockSize when omitted). */
export function ropeTableFor(c: Pick<LlamaConfig, 'headDim' | 'ropeTheta' | 'ropeScaling' | 'blockSize'>, P = c.blockSize): Float32Array {
  return ropeTable(ropeInvFreq(c.headDim, c.ropeTheta, c.ropeScaling), P);
}
