// Causal grouped-query self-attention (llm.c attention_forward / _backward, generalised): NH query
// heads of size HD, NKV key/value heads, query head h reading kv head h / (NH/NKV); scores scaled by
// 1/√HD; position t attends to t2 ≤ t only. NKV = NH is plain multi-head attention.
// The toy GPT's packed form (rows [q (C) | k (C) | v (C)], HD = C/NH) is attentionForward /
// attentionBackward below: the same arithmetic in the same order on split copies.

export function gqaAttentionForward(
  out: Float64Array, preatt: Float64Array, att: Float64Array, q: Float64Array, k: Float64Array, v: Float64Array,
  B: number, T: number, NH: number, NKV: number, HD: number,
): void {
  // out [B,T,NH·HD], preatt [B,NH,T,T] (scaled scores; -Infinity where t2 > t), att [B,NH,T,T]
  // (softmax; 0 where t2 > t; saved for backward), q [B,T,NH·HD], k, v [B,T,NKV·HD]
  const QD = NH * HD, KVD = NKV * HD, G = NH / NKV;
  const scale = 1 / Math.sqrt(HD);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const kvh = Math.floor(h / G);
        const qi = (b * T + t) * QD + h * HD;
        const row = ((b * NH + h) * T + t) * T;
        let maxval = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const ki = (b * T + t2) * KVD + kvh * HD;
          let dot = 0;
          for (let i = 0; i < HD; i++) dot += q[qi + i] * k[ki + i];
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
        const o = (b * T + t) * QD + h * HD;
        for (let i = 0; i < HD; i++) out[o + i] = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const vi = (b * T + t2) * KVD + kvh * HD;
          const a = att[row + t2];
          for (let i = 0; i < HD; i++) out[o + i] += a * v[vi + i];
        }
      }
    }
  }
}

export function gqaAttentionBackward(
  dq: Float64Array, dk: Float64Array, dv: Float64Array, dpreatt: Float64Array, datt: Float64Array,
  dout: Float64Array, q: Float64Array, k: Float64Array, v: Float64Array, att: Float64Array,
  B: number, T: number, NH: number, NKV: number, HD: number,
): void {
  // dq [B,T,NH·HD] =, dk, dv [B,T,NKV·HD] = (summed over the NH/NKV query heads of each kv head),
  // dpreatt, datt [B,NH,T,T] = (scratch), dout [B,T,NH·HD], q, k, v, att as in forward
  const QD = NH * HD, KVD = NKV * HD, G = NH / NKV;
  const scale = 1 / Math.sqrt(HD);
  dq.fill(0, 0, B * T * QD);
  dk.fill(0, 0, B * T * KVD);
  dv.fill(0, 0, B * T * KVD);
  datt.fill(0, 0, B * NH * T * T);
  dpreatt.fill(0, 0, B * NH * T * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const kvh = Math.floor(h / G);
        const qi = (b * T + t) * QD + h * HD;
        const row = ((b * NH + h) * T + t) * T;
        const o = (b * T + t) * QD + h * HD;
        // out = Σ att · v
        for (let t2 = 0; t2 <= t; t2++) {
          const vi = (b * T + t2) * KVD + kvh * HD;
          let d = 0;
          for (let i = 0; i < HD; i++) {
            d += v[vi + i] * dout[o + i];
            dv[vi + i] += att[row + t2] * dout[o + i];
          }
          datt[row + t2] = d;
        }
        // softmax: dpreatt[t3] = att[t3] · (datt[t3] − Σ_t2 att[t2] datt[t2])
        let dot = 0;
        for (let t2 = 0; t2 <= t; t2++) dot += att[row + t2] * datt[row + t2];
        for (let t3 = 0; t3 <= t; t3++) dpreatt[row + t3] = att[row + t3] * (datt[row + t3] - dot);
        // preatt = scale · q · k
        for (let t2 = 0; t2 <= t; t2++) {
          const ki = (b * T + t2) * KVD + kvh * HD;
          const d = dpreatt[row + t2] * scale;
          for (let i = 0; i < HD; i++) {
            dq[qi + i] += k[ki + i] * d;
            dk[ki + i] += q[qi + i] * d;
          }
        }
      }
    }
  }
}

/** Columns [from, from + w) of every row of a [rows, width] array. */
function columns(a: Float64Array, rows: number, width: number, from: number, w: number): Float64Array {
  const out = new Float64Array(rows * w);
  for (let r = 0; r < rows; r++) out.set(a.subarray(r * width + from, r * width + from + w), r * w);
  return out;
}

export function attentionForward(
  out: Float64Array, preatt: Float64Array, att: Float64Array, inp: Float64Array,
  B: number, T: number, C: number, NH: number,
): void {
  // out [B,T,C], preatt/att [B,NH,T,T], inp [B,T,3C] (packed q | k | v; HD = C/NH)
  const BT = B * T;
  gqaAttentionForward(out, preatt, att, columns(inp, BT, 3 * C, 0, C), columns(inp, BT, 3 * C, C, C),
    columns(inp, BT, 3 * C, 2 * C, C), B, T, NH, NH, C / NH);
}

export function attentionBackward(
  dinp: Float64Array, dpreatt: Float64Array, datt: Float64Array,
  dout: Float64Array, inp: Float64Array, att: Float64Array,
  B: number, T: number, C: number, NH: number,
): void {
  // dinp [B,T,3C] =, dpreatt/datt [B,NH,T,T] = (scratch), dout [B,T,C], inp [B,T,3C], att [B,NH,T,T]
  const BT = B * T;
  const parts = [0, 1, 2].map((j) => columns(inp, BT, 3 * C, j * C, C));
  const grads = [0, 1, 2].map(() => new Float64Array(BT * C));
  gqaAttentionBackward(grads[0], grads[1], grads[2], dpreatt, datt, dout, parts[0], parts[1], parts[2], att, B, T, NH, NH, C / NH);
  for (let r = 0; r < BT; r++) {
    for (let j = 0; j < 3; j++) dinp.set(grads[j].subarray(r * C, (r + 1) * C), r * 3 * C + j * C);
  }
}
