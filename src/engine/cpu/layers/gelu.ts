// GELU, tanh approximation as GPT-2 ("gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBE = 0.044715;

export function geluForward(out: Float64Array, inp: Float64Array, N: number): void {
  // out [N], inp [N]   (N = B·T·4C in the model)
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x)));
  }
}

export function geluBackward(dinp: Float64Array, dout: Float64Array, inp: Float64Array, N: number): void {
  // dinp [N] =, dout [N], inp [N]
  for (let i = 0; i < N; i++) {
    const x = inp[i];
    const th = Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x));
    const sech2 = 1 - th * th;
    const local = 0.5 * (1 + th) + 0.5 * x * sech2 * GELU_SCALE * (1 + 3 * GELU_CUBE * x * x);
    dinp[i] = local * dout[i];
  }
}
