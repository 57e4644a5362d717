// Answer probes by KV-cache branching: every request's context runs ONCE into its own cache slot;
// then, for every boundary b, the branch rows (continuation tokens at positions b, b+1, …)
// run in a scratch slot while attending to the context's cache[0:b] plus themselves. Branches of
// all requests are batched together. When scoreFrom = 0 the first scored token is predicted from
// the context's row b−1, so that branch starts one row earlier (context[b−1] at position b−1,
// recomputed in the scratch slot, attending to cache[0:b−1]).
// Must equal naive re-encoding, src/engine/cpu/generate.ts probeNaive.
import type { ProbeRequest } from '../types.ts';
import type { InferenceRow, KvInference } from './inference.ts';
import { validateProbe } from './validate.ts';

/** Branches per batch at most, bounding the scratch slots of the cache. */
const MAX_BRANCHES_PER_BATCH = 256;

interface Branch { r: number; bi: number; rows: InferenceRow[] }

export async function probeWithCache(inf: KvInference, requests: ProbeRequest[]): Promise<number[][][]> {
  if (!Array.isArray(requests)) throw new TypeError('requests must be an array of ProbeRequest');
  requests.forEach((req, r) => validateProbe(inf.config, req, r));
  const out: number[][][] = requests.map((req) => req.boundaries.map(() => []));
  const R = requests.length;
  if (R === 0) return out;
  const starts = requests.map((req) => req.boundaries.map((b) => (req.scoreFrom === 0 ? b - 1 : b)));

  const branches: Branch[] = [];
  requests.forEach((req, r) => req.boundaries.forEach((b, bi) => {
    const s = starts[r][bi];
    const seq = (p: number) => (p < b ? req.context[p] : req.continuation[p - b]);
    const rows: InferenceRow[] = [];
    for (let p = s; p <= b + req.continuation.length - 2; p++) {
      const j = p + 1 - b; // continuation index this row predicts
      rows.push({ token: seq(p), pos: p, slot: 0, prefixSlot: r, prefixLen: s, target: j >= req.scoreFrom ? seq(p + 1) : -1, wantLogits: false });
    }
    branches.push({ r, bi, rows });
  }));
  const perBatch = Math.min(MAX_BRANCHES_PER_BATCH, inf.maxRows, Math.max(1, inf.maxSlots - R));
  if (inf.maxSlots <= R) throw new RangeError(`probeLogProbs: ${R} requests need more KV-cache slots than the device fits (${inf.maxSlots})`);
  inf.ensureSlots(R + Math.min(perBatch, branches.length));

  // contexts once: request r's context[0 : max start] into slot r
  const ctxRows: InferenceRow[] = [];
  requests.forEach((req, r) => {
    const need = Math.max(0, ...starts[r]);
    for (let p = 0; p < need; p++) ctxRows.push({ token: req.context[p], pos: p, slot: r, prefixSlot: r, prefixLen: 0, target: -1, wantLogits: false });
  });
  if (ctxRows.length > 0) await inf.run(ctxRows);

  // branches, batched: branch k of a batch uses scratch slot R + k
  for (let i = 0; i < branches.length;) {
    const batch: Branch[] = [];
    let nRows = 0;
    while (i < branches.length && batch.length < perBatch && nRows + branches[i].rows.length <= inf.maxRows) {
      nRows += branches[i].rows.length;
      batch.push(branches[i++]);
    }
    const rows: InferenceRow[] = [];
    batch.forEach((br, k) => { for (const row of br.rows) rows.push({ ...row, slot: R + k }); });
    const { logp } = await inf.run(rows);
    let o = 0;
    for (const br of batch) {
      const scored = out[br.r][br.bi];
      br.rows.forEach((row, q) => { if (row.target >= 0) scored.push(logp[o + q]); });
      o += br.rows.length;
    }
  }
  return out;
}
