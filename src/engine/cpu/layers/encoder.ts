// Token + position embedding (llm.c encoder_forward / encoder_backward).
// Conventions for every layer in this folder (see ../gpt.ts): parameter gradients accumulate (+=),
// activation gradients are overwritten (=).

export function encoderForward(
  out: Float64Array, inp: Int32Array, wte: Float64Array, wpe: Float64Array,
  B: number, T: number, C: number,
): void {
  // out [B,T,C], inp [B,T] token ids, wte [V,C], wpe [maxT,C]
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * C;
      const ix = inp[b * T + t] * C;
      const p = t * C;
      for (let i = 0; i < C; i++) out[o + i] = wte[ix + i] + wpe[p + i];
    }
  }
}

/** The Llama family's embedding (no position table): out [N,C] = wte[tokens]. */
export function tokenEmbeddingForward(out: Float64Array, tokens: Int32Array, wte: Float64Array, N: number, C: number): void {
  // out [N,C], tokens [N], wte [V,C]
  for (let r = 0; r < N; r++) {
    const ix = tokens[r] * C;
    for (let i = 0; i < C; i++) out[r * C + i] = wte[ix + i];
  }
}

export function encoderBackward(
  dwte: Float64Array, dwpe: Float64Array, dout: Float64Array, inp: Int32Array,
  B: number, T: number, C: number,
): void {
  // dwte [V,C] +=, dwpe [maxT,C] +=, dout [B,T,C], inp [B,T]
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * C;
      const ix = inp[b * T + t] * C;
      const p = t * C;
      for (let i = 0; i < C; i++) {
        dwte[ix + i] += dout[o + i];
        dwpe[p + i] += dout[o + i];
      }
    }
  }
}
