// Residual add out = inp1 + inp2, and the fan-out of a tensor read by two layers (its gradient
// is the sum of both consumers' gradients).

export function residualForward(out: Float64Array, inp1: Float64Array, inp2: Float64Array, N: number): void {
  // out [N], inp1 [N], inp2 [N]
  for (let i = 0; i < N; i++) out[i] = inp1[i] + inp2[i];
}

export function residualBackward(dinp1: Float64Array, dinp2: Float64Array, dout: Float64Array, N: number): void {
  // dinp1 [N] =, dinp2 [N] =, dout [N]
  for (let i = 0; i < N; i++) {
    dinp1[i] = dout[i];
    dinp2[i] = dout[i];
  }
}

/** dst += src: joins the gradients of a tensor that feeds two layers (the residual stream feeds a LayerNorm and an add). */
export function fanOutBackward(dst: Float64Array, src: Float64Array, N: number): void {
  // dst [N] +=, src [N]
  for (let i = 0; i < N; i++) dst[i] += src[i];
}
