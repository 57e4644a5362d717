// The LoRA delta of one linear layer (PEFT's LoRA: y = x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ), float64, as an
// llm.c forward/backward pair. The delta is added into columns [col, col + outW) of output rows
// `stride` wide, so one target of a packed linear (q in q|k|v, up in gate|up) gets its own adapter.
// A [r, inW] and B [outW, r] are views into the flat adapter vector (src/engine/lora/loraLayout.ts).

export function loraForward(
  y: Float64Array, u: Float64Array, x: Float64Array, A: Float64Array, B: Float64Array,
  N: number, inW: number, outW: number, r: number, s: number, col: number, stride: number,
): void {
  // y [N, stride] += (columns col … col+outW), u [N, r] = (saved for backward), x [N, inW], A [r, inW], B [outW, r]
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < r; j++) {
      let acc = 0;
      for (let i = 0; i < inW; i++) acc += x[n * inW + i] * A[j * inW + i];
      u[n * r + j] = acc;
    }
    for (let o = 0; o < outW; o++) {
      let acc = 0;
      for (let j = 0; j < r; j++) acc += u[n * r + j] * B[o * r + j];
      y[n * stride + col + o] += s * acc;
    }
  }
}

export function loraBackward(
  dx: Float64Array, dA: Float64Array, dB: Float64Array, dy: Float64Array, x: Float64Array, u: Float64Array,
  A: Float64Array, B: Float64Array, N: number, inW: number, outW: number, r: number, s: number, col: number, stride: number,
): void {
  // dx [N, inW] +=, dA [r, inW] +=, dB [outW, r] +=, dy [N, stride] (columns col … col+outW), x, u, A, B as in forward
  // du = s·dy·B;  dB += s·dyᵀ·u;  dA += duᵀ·x;  dx += du·A
  const du = new Float64Array(r);
  for (let n = 0; n < N; n++) {
    du.fill(0);
    for (let o = 0; o < outW; o++) {
      const g = s * dy[n * stride + col + o];
      for (let j = 0; j < r; j++) {
        du[j] += g * B[o * r + j];
        dB[o * r + j] += g * u[n * r + j];
      }
    }
    for (let j = 0; j < r; j++) {
      for (let i = 0; i < inW; i++) {
        dA[j * inW + i] += du[j] * x[n * inW + i];
        dx[n * inW + i] += du[j] * A[j * inW + i];
      }
    }
  }
}
