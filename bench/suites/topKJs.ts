// The topk-kernel suite's JS baseline: what a page does with logits it has read back — one tight
// pass per row keeping a sorted list of the k best (ties → lower id), an online max / Σ exp /
// Σ exp·(x − max) (the entropy, as the kernel now reports it), the
// count of ids ahead of the chosen one and a NaN / +inf check. Float32 outputs, the kernel's
// definitions (src/gpu/logitsTopKCpu.ts). Pure, so its agreement with the reference runs in Node.
import { emptyTopK, TOPK_NEG_BIG, TOPK_STATUS, type LogitsTopK } from '../../src/gpu/logitsTopKCpu.ts';

export function topKJs(x: Float32Array, rows: number, vocab: number, k: number, chosen: Int32Array): LogitsTopK {
  const out = emptyTopK(rows, k, Float32Array);
  const vals = new Float64Array(k);
  const ids = new Int32Array(k);
  for (let r = 0; r < rows; r++) {
    const base = r * vocab;
    vals.fill(-Infinity);
    ids.fill(-1);
    let filled = 0;
    const c = chosen[r];
    const xc = c >= 0 ? Math.max(x[base + c], TOPK_NEG_BIG) : Infinity;
    let m = TOPK_NEG_BIG;
    let s = 0;
    let t = 0;
    let ahead = 0;
    let status = 0;
    for (let j = 0; j < vocab; j++) {
      let v = x[base + j];
      if (!(v < Infinity)) { status |= v === Infinity ? TOPK_STATUS.posInf : TOPK_STATUS.nan; continue; }
      if (v < TOPK_NEG_BIG) v = TOPK_NEG_BIG;
      if (v > m) {
        const d = m - v;
        const e = Math.exp(d);
        t = (t + s * d) * e;
        s = s * e + 1;
        m = v;
      } else {
        const d = v - m;
        const e = Math.exp(d);
        s += e;
        t += e * d;
      }
      if (v > xc || (v === xc && j < c)) ahead++;
      // Columns arrive in id order, so a tie never displaces an earlier (lower) id.
      if (filled < k || v > vals[k - 1]) {
        let p = filled < k ? filled++ : k - 1;
        while (p > 0 && vals[p - 1] < v) { vals[p] = vals[p - 1]; ids[p] = ids[p - 1]; p--; }
        vals[p] = v;
        ids[p] = j;
      }
    }
    if (status === 0 && m <= TOPK_NEG_BIG) status = TOPK_STATUS.noFinite;
    out.status[r] = status;
    const logS = Math.log(s);
    if (status !== 0) {
      out.ids.fill(-1, r * k, (r + 1) * k);
      out.logProbs.fill(NaN, r * k, (r + 1) * k);
      out.rank[r] = -1;
      out.chosenLogProb[r] = NaN;
      out.logSumExp[r] = status === TOPK_STATUS.noFinite ? -Infinity : NaN;
      out.entropy[r] = NaN;
      continue;
    }
    out.logSumExp[r] = m + logS;
    out.entropy[r] = Math.max(0, logS - t / s);
    for (let i = 0; i < k; i++) {
      out.ids[r * k + i] = ids[i];
      out.logProbs[r * k + i] = vals[i] <= TOPK_NEG_BIG ? -Infinity : vals[i] - m - logS;
    }
    out.rank[r] = c >= 0 ? ahead : -1;
    out.chosenLogProb[r] = c < 0 ? NaN : xc <= TOPK_NEG_BIG ? -Infinity : xc - m - logS;
  }
  return out;
}
