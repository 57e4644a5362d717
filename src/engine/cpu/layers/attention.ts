// Causal multi-head self-attention on a packed qkv tensor (llm.c attention_forward / _backward).
// Scores are scaled by 1/sqrt(HS); position t attends to t2 ≤ t only.
// inp rows hold [q (C) | k (C) | v (C)]; head h uses the HS-slice h·HS … (h+1)·HS of each.

export function attentionForward(
  out: Float64Array, preatt: Float64Array, att: Float64Array, inp: Float64Array,
  B: number, T: number, C: number, NH: number,
): void {
  // out [B,T,C], preatt [B,NH,T,T] (scaled scores; -Infinity where t2 > t), att [B,NH,T,T]
  // (softmax; 0 where t2 > t; saved for backward), inp [B,T,3C]
  const C3 = 3 * C;
  const HS = C / NH;
  const scale = 1 / Math.sqrt(HS);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const q = b * T * C3 + t * C3 + h * HS;
        const row = ((b * NH + h) * T + t) * T;
        let maxval = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = b * T * C3 + t2 * C3 + h * HS + C;
          let dot = 0;
          for (let i = 0; i < HS; i++) dot += inp[q + i] * inp[k + i];
          dot *= scale;
          preatt[row + t2] = dot;
          if (dot > maxval) maxval = dot;
        }
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp(preatt[row + t2] - maxval);
          att[row + t2] = e;
          sum += e;
        }
        for (let t2 = 0; t2 < T; t2++) {
          if (t2 <= t) att[row + t2] /= sum;
          else { att[row + t2] = 0; preatt[row + t2] = -Infinity; }
        }
        const o = b * T * C + t * C + h * HS;
        for (let i = 0; i < HS; i++) out[o + i] = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const v = b * T * C3 + t2 * C3 + h * HS + 2 * C;
          const a = att[row + t2];
          for (let i = 0; i < HS; i++) out[o + i] += a * inp[v + i];
        }
      }
    }
  }
}

export function attentionBackward(
  dinp: Float64Array, dpreatt: Float64Array, datt: Float64Array,
  dout: Float64Array, inp: Float64Array, att: Float64Array,
  B: number, T: number, C: number, NH: number,
): void {
  // dinp [B,T,3C] =, dpreatt [B,NH,T,T] = (scratch), datt [B,NH,T,T] = (scratch),
  // dout [B,T,C], inp [B,T,3C], att [B,NH,T,T]
  const C3 = 3 * C;
  const HS = C / NH;
  const scale = 1 / Math.sqrt(HS);
  dinp.fill(0, 0, B * T * C3);
  datt.fill(0, 0, B * NH * T * T);
  dpreatt.fill(0, 0, B * NH * T * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const q = b * T * C3 + t * C3 + h * HS;
        const row = ((b * NH + h) * T + t) * T;
        const o = b * T * C + t * C + h * HS;
        // out = Σ att · v
        for (let t2 = 0; t2 <= t; t2++) {
          const v = b * T * C3 + t2 * C3 + h * HS + 2 * C;
          let d = 0;
          for (let i = 0; i < HS; i++) {
            d += inp[v + i] * dout[o + i];
            dinp[v + i] += att[row + t2] * dout[o + i];
          }
          datt[row + t2] = d;
        }
        // softmax: dpreatt[t3] = att[t3] · (datt[t3] − Σ_t2 att[t2] datt[t2])
        let dot = 0;
        for (let t2 = 0; t2 <= t; t2++) dot += att[row + t2] * datt[row + t2];
        for (let t3 = 0; t3 <= t; t3++) dpreatt[row + t3] = att[row + t3] * (datt[row + t3] - dot);
        // preatt = scale · q · k
        for (let t2 = 0; t2 <= t; t2++) {
          const k = b * T * C3 + t2 * C3 + h * HS + C;
          const d = dpreatt[row + t2] * scale;
          for (let i = 0; i < HS; i++) {
            dinp[q + i] += inp[k + i] * d;
            dinp[k + i] += inp[q + i] * d;
          }
        }
      }
    }
  }
}
