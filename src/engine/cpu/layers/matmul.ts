// Linear layer out = inp @ W^T + b with W stored [OC, C] (llm.c matmul_forward / matmul_backward).

export function matmulForward(
  out: Float64Array, inp: Float64Array, weight: Float64Array, bias: Float64Array | null,
  B: number, T: number, C: number, OC: number,
): void {
  // out [B,T,OC], inp [B,T,C], weight [OC,C], bias [OC] or null
  for (let r = 0; r < B * T; r++) {
    const x = r * C;
    for (let o = 0; o < OC; o++) {
      const w = o * C;
      let acc = bias ? bias[o] : 0;
      for (let i = 0; i < C; i++) acc += inp[x + i] * weight[w + i];
      out[r * OC + o] = acc;
    }
  }
}

export function matmulBackward(
  dinp: Float64Array, dweight: Float64Array, dbias: Float64Array | null,
  dout: Float64Array, inp: Float64Array, weight: Float64Array,
  B: number, T: number, C: number, OC: number,
): void {
  // dinp [B,T,C] =, dweight [OC,C] +=, dbias [OC] += (or null), dout [B,T,OC], inp [B,T,C], weight [OC,C]
  for (let r = 0; r < B * T; r++) {
    const x = r * C;
    for (let i = 0; i < C; i++) dinp[x + i] = 0;
    for (let o = 0; o < OC; o++) {
      const d = dout[r * OC + o];
      const w = o * C;
      for (let i = 0; i < C; i++) {
        dinp[x + i] += d * weight[w + i];
        dweight[w + i] += d * inp[x + i];
      }
      if (dbias) dbias[o] += d;
    }
  }
}
