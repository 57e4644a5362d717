// RMSNorm over the last axis (transformers' LlamaRMSNorm): out = inp · rstd · weight with
// rstd = 1/√(mean(inp²) + eps), no mean subtraction, no bias. Also the per-head q/k norm of Qwen3:
// rows N·H of width HD (a dense [N, H, HD] tensor is N·H rows of HD).

export function rmsnormForward(
  out: Float64Array, rstd: Float64Array, inp: Float64Array, weight: Float64Array, N: number, C: number, eps: number,
): void {
  // out [N,C], rstd [N] (saved for backward), inp [N,C], weight [C]
  for (let r = 0; r < N; r++) {
    const x = r * C;
    let ss = 0;
    for (let i = 0; i < C; i++) ss += inp[x + i] * inp[x + i];
    const s = 1 / Math.sqrt(ss / C + eps);
    for (let i = 0; i < C; i++) out[x + i] = inp[x + i] * s * weight[i];
    rstd[r] = s;
  }
}

export function rmsnormBackward(
  dinp: Float64Array, dweight: Float64Array, dout: Float64Array, inp: Float64Array, weight: Float64Array,
  rstd: Float64Array, N: number, C: number,
): void {
  // dinp [N,C] =, dweight [C] +=, dout [N,C], inp [N,C], weight [C], rstd [N]
  // out_i = x_i·s·w_i, s = (Σx²/C + eps)^(-1/2), ∂s/∂x_j = −s³·x_j/C:
  // dx_j = s·(w_j·dy_j − x_j·s²·(Σ_i dy_i·w_i·x_i)/C)
  for (let r = 0; r < N; r++) {
    const x = r * C;
    const s = rstd[r];
    let dot = 0;
    for (let i = 0; i < C; i++) dot += dout[x + i] * weight[i] * inp[x + i];
    const k = (s * s * dot) / C;
    for (let i = 0; i < C; i++) {
      dweight[i] += dout[x + i] * inp[x + i] * s;
      dinp[x + i] = s * (weight[i] * dout[x + i] - inp[x + i] * k);
    }
  }
}
