// Answer probes by KV-cache branching: every request's context runs ONCE into its own cache
// region; then, for every boundary b, the branch rows (continuation tokens at positions b, b+1, …)
// write their keys into a small region of their own while reading the context's cache[0:b] in
// place (row addressing: ./inference.ts). Branches of all requests are batched together. When
// scoreFrom = 0 the first scored token is predicted from the context's row b−1, so that branch
// starts one row earlier (context[b−1] at position b−1, recomputed, attending to cache[0:b−1]).
// Must equal naive re-encoding, src/engine/cpu/generate.ts probeNaive.
import type { ProbeRequest } from '../types.ts';
import type { CachedInference, InferenceRow } from './inference.ts';
import type { Region } from './kvStore.ts';
import { validateProbe } from './validate.ts';

interface Branch { r: number; bi: number; start: number; rows: Omit<InferenceRow, 'ownBase'>[] }

export async function probeWithCache(inf: CachedInference, requests: ProbeRequest[]): Promise<number[][][]> {
  if (!Array.isArray(requests)) throw new TypeError('requests must be an array of ProbeRequest');
  requests.forEach((req, r) => validateProbe(inf.config, req, r));
  const out: number[][][] = requests.map((req) => req.boundaries.map(() => []));
  if (requests.length === 0) return out;
  const starts = requests.map((req) => req.boundaries.map((b) => (req.scoreFrom === 0 ? b - 1 : b)));
  const contexts: Region[] = [];
  try {
    // contexts once: request r's context[0 : max start] into its region
    const ctxRows: InferenceRow[] = [];
    requests.forEach((req, r) => {
      const need = Math.max(0, ...starts[r]);
      contexts.push(inf.kv.allocate(Math.max(1, need)));
      for (let p = 0; p < need; p++) ctxRows.push({ token: req.context[p], pos: p, ownBase: contexts[r].base, prefixBase: 0, prefixLen: 0 });
    });
    if (ctxRows.length > 0) await inf.run(ctxRows);

    const branches: Branch[] = [];
    requests.forEach((req, r) => req.boundaries.forEach((b, bi) => {
      const s = starts[r][bi];
      const seq = (p: number) => (p < b ? req.context[p] : req.continuation[p - b]);
      const rows: Branch['rows'] = [];
      for (let p = s; p <= b + req.continuation.length - 2; p++) {
        const j = p + 1 - b; // continuation index this row predicts
        rows.push({ token: seq(p), pos: p, prefixBase: contexts[r].base, prefixLen: s, target: j >= req.scoreFrom ? seq(p + 1) : -1 });
      }
      branches.push({ r, bi, start: s, rows });
    }));

    // branches, batched up to maxRows rows; each holds its own region while its batch runs
    for (let i = 0; i < branches.length;) {
      const batch: Branch[] = [];
      let nRows = 0;
      while (i < branches.length && nRows + branches[i].rows.length <= inf.maxRows) {
        nRows += branches[i].rows.length;
        batch.push(branches[i++]);
      }
      if (batch.length === 0) throw new RangeError(`a probe branch of ${branches[i].rows.length} rows exceeds the engine's ${inf.maxRows} rows per call`);
      const regions = batch.map((br) => inf.kv.allocate(Math.max(1, br.rows.length)));
      try {
        const rows: InferenceRow[] = [];
        batch.forEach((br, k) => { for (const row of br.rows) rows.push({ ...row, ownBase: regions[k].base }); });
        const { logp } = await inf.run(rows, { kind: 'logp' });
        let o = 0;
        for (const br of batch) {
          const scored = out[br.r][br.bi];
          br.rows.forEach((row, q) => { if ((row.target ?? -1) >= 0) scored.push(logp[o + q]); });
          o += br.rows.length;
        }
      } finally {
        for (const reg of regions) inf.kv.release(reg);
      }
    }
  } finally {
    for (const reg of contexts) inf.kv.release(reg);
  }
  return out;
}
