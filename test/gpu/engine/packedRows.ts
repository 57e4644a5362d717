// Dense [R, W] rows ↔ rows at a column offset inside wider (strided) rows, with junk elsewhere:
// how tests place q, k, v or gate, up inside one packed buffer.

/** [R, stride] with `dense` rows at columns [col, col + W); every other element is junk (−7.25). */
export function packRows(dense: ArrayLike<number>, R: number, W: number, stride: number, col: number): Float64Array {
  const out = new Float64Array(R * stride).fill(-7.25);
  for (let r = 0; r < R; r++) for (let i = 0; i < W; i++) out[r * stride + col + i] = dense[r * W + i];
  return out;
}

/** The [R, W] rows at columns [col, col + W) of [R, stride] rows. */
export function unpackRows(packed: ArrayLike<number>, R: number, W: number, stride: number, col: number): Float64Array {
  const out = new Float64Array(R * W);
  for (let r = 0; r < R; r++) for (let i = 0; i < W; i++) out[r * W + i] = packed[r * stride + col + i];
  return out;
}
