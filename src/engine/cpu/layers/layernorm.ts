// LayerNorm over the last axis, eps LN_EPS, biased variance (GPT-2 / llm.c layernorm_forward/_backward).
import { LN_EPS } from '../../config.ts';

export function layernormForward(
  out: Float64Array, mean: Float64Array, rstd: Float64Array,
  inp: Float64Array, weight: Float64Array, bias: Float64Array,
  B: number, T: number, C: number,
): void {
  // out [B,T,C], mean [B,T], rstd [B,T] (saved for backward), inp [B,T,C], weight [C], bias [C]
  for (let r = 0; r < B * T; r++) {
    const x = r * C;
    let m = 0;
    for (let i = 0; i < C; i++) m += inp[x + i];
    m /= C;
    let v = 0;
    for (let i = 0; i < C; i++) v += (inp[x + i] - m) ** 2;
    v /= C;
    const s = 1 / Math.sqrt(v + LN_EPS);
    for (let i = 0; i < C; i++) out[x + i] = (inp[x + i] - m) * s * weight[i] + bias[i];
    mean[r] = m;
    rstd[r] = s;
  }
}

export function layernormBackward(
  dinp: Float64Array, dweight: Float64Array, dbias: Float64Array,
  dout: Float64Array, inp: Float64Array, weight: Float64Array, mean: Float64Array, rstd: Float64Array,
  B: number, T: number, C: number,
): void {
  // dinp [B,T,C] =, dweight [C] +=, dbias [C] +=, dout [B,T,C], inp [B,T,C], weight [C], mean/rstd [B,T]
  for (let r = 0; r < B * T; r++) {
    const x = r * C;
    const m = mean[r];
    const s = rstd[r];
    // two reductions: mean of dnorm and mean of dnorm · norm
    let dnormMean = 0;
    let dnormNormMean = 0;
    for (let i = 0; i < C; i++) {
      const norm = (inp[x + i] - m) * s;
      const dnorm = weight[i] * dout[x + i];
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let i = 0; i < C; i++) {
      const norm = (inp[x + i] - m) * s;
      const dnorm = weight[i] * dout[x + i];
      dbias[i] += dout[x + i];
      dweight[i] += norm * dout[x + i];
      dinp[x + i] = (dnorm - dnormMean - norm * dnormNormMean) * s;
    }
  }
}
