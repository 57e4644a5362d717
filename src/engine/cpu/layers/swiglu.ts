// SwiGLU gating of the Llama MLP (transformers' LlamaMLP: act_fn(gate_proj(x)) · up_proj(x), act silu):
//   out = silu(gate) · up,  silu(g) = g · σ(g) = g / (1 + e^−g)

export function swigluForward(out: Float64Array, gate: Float64Array, up: Float64Array, N: number): void {
  // out [N], gate [N], up [N]   (N = B·T·I in the model)
  for (let i = 0; i < N; i++) {
    const g = gate[i];
    out[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
}

export function swigluBackward(
  dgate: Float64Array, dup: Float64Array, dout: Float64Array, gate: Float64Array, up: Float64Array, N: number,
): void {
  // dgate [N] =, dup [N] =, dout [N], gate [N], up [N]
  // silu'(g) = σ(g)·(1 + g·(1 − σ(g)))
  for (let i = 0; i < N; i++) {
    const g = gate[i];
    const sig = 1 / (1 + Math.exp(-g));
    dgate[i] = dout[i] * up[i] * sig * (1 + g * (1 - sig));
    dup[i] = dout[i] * g * sig;
  }
}
