// Rotary position embedding (transformers' apply_rotary_pos_emb, rotate_half convention): per head,
// for i < HD/2 with c = cos[pos, i], s = sin[pos, i] from the table src/engine/rope.ts builds,
//   out[i] = x[i]·c − x[i + HD/2]·s,   out[i + HD/2] = x[i + HD/2]·c + x[i]·s.
// The backward is the transposed rotation (the angle negated).

/** table [2, P, HD/2]: cos block, then sin block (src/engine/rope.ts ropeTable). */
function rotate(
  out: Float64Array, inp: Float64Array, positions: Int32Array, table: ArrayLike<number>,
  N: number, H: number, HD: number, P: number, sign: 1 | -1,
): void {
  const half = HD / 2;
  for (let n = 0; n < N; n++) {
    const p = positions[n];
    if (!(p >= 0 && p < P)) throw new RangeError(`rotary: position ${p} of row ${n} is outside the table's ${P}`);
    for (let h = 0; h < H; h++) {
      const x = (n * H + h) * HD;
      for (let i = 0; i < half; i++) {
        const c = table[p * half + i];
        const s = sign * table[(P + p) * half + i];
        const a = inp[x + i];
        const b = inp[x + half + i];
        out[x + i] = a * c - b * s;
        out[x + half + i] = b * c + a * s;
      }
    }
  }
}

export function rotaryForward(
  out: Float64Array, inp: Float64Array, positions: Int32Array, table: ArrayLike<number>,
  N: number, H: number, HD: number, P: number,
): void {
  // out [N,H,HD] (may be inp), inp [N,H,HD], positions [N], table [2,P,HD/2]
  rotate(out, inp, positions, table, N, H, HD, P, 1);
}

export function rotaryBackward(
  dinp: Float64Array, dout: Float64Array, positions: Int32Array, table: ArrayLike<number>,
  N: number, H: number, HD: number, P: number,
): void {
  // dinp [N,H,HD] = (may be dout), dout [N,H,HD], positions [N], table [2,P,HD/2]
  rotate(dinp, dout, positions, table, N, H, HD, P, -1);
}
