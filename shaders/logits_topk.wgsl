// logits_topk.wgsl — per-row top-k of a logits matrix, with log-probs and the chosen token's rank,
// and its entropy, in ONE read of each row; only k ids + k log-probs + a 5-word header per row are
// written (the entropy here spares a scorer that reads the top-k a second pass for it).
//
// For every row r of logits [T, V] (x = the row, c = chosen[r], k ≤ MAX_K):
//   order:    token a precedes token b  ⇔  x_a > x_b, or x_a = x_b and a < b (ties → lower id)
//   top-k:    the first k tokens of that order, their log p = x − lse, lse = log Σ_j exp(x_j)
//   rank(c):  #{j : x_j > x_c} + #{j < c : x_j = x_c} — c's 0-based position in the order, so
//             rank 0 is the argmax and rank(c) < k ⇔ ids[rank(c)] = c
//   entropy:  H = −Σ_j p_j log p_j (nats) = log s − t/s with the online triple below
// Each thread streams its columns keeping an online softmax triple (m, s = Σ exp(x − m),
// t = Σ exp(x − m)·(x − m), as logits_stats.wgsl), a count of columns ahead of c in the order,
// NaN / +inf flags and a sorted private list of its k best; the workgroup merges (m, s, t, count,
// flags), then extracts the k winners in k rounds of a workgroup
// argmax over the heads of the threads' lists (the global top-k lies in their union).
//
// The per-thread streaming pass (private state, loads, list insertion) is logits_topk_stream.wgsl,
// concatenated after this file at load (src/gpu/kernels/logits.ts).
//
// Bindings (the engine kernels' convention; declared in src/gpu/kernels/logits.ts):
//   @group(0) @binding(0) read        logits  array<u32>: [T, V] f32 bit patterns, or f16 pairs packed
//                                             two per word (low half first) — a window of rows bound
//                                             at an aligned byte offset; row r starts at element
//                                             elem_offset + r·V of the window
//   @group(0) @binding(1) read        chosen  array<i32> [T_total]; −1 = none (ignored unless has_chosen)
//   @group(0) @binding(2) read_write  out     array<u32> [T_total, HEADER_WORDS + 2k], one record per row:
//   @group(1) @binding(0) uniform     u       element offset, sizes, k, flags
//       [0] status   bit flags: 1 = a NaN entry, 2 = a +inf entry, 4 = no entry above −inf
//       [1] rank     i32 rank(c); −1 when c is none / out of range or the row is invalid (status ≠ 0)
//       [2] logp_c   f32 log p(c); NaN when rank is −1; −inf when x_c is −inf
//       [3] lse      f32 log Σ exp(x); −inf for an all −inf row (status 4); NaN for status 1 / 2
//       [4] entropy  f32 H ≥ 0 (nats); NaN for an invalid row (status ≠ 0)
//       [5 .. 5+k)   i32 top-k ids in order; −1 in every slot of an invalid row
//       [5+k .. 5+2k) f32 their log p; −inf for −inf entries (a row with < k finite entries lists
//                    its −inf tokens, lowest ids first); NaN in an invalid row
// Workgroup size: override WG (a power of two, default 256); one workgroup per row.
// Dispatch: dispatchWorkgroups(rows_in_chunk) per chunk of rows; entry main_f32 or main_f16.
// Row r of a chunk writes out[(out_row + r)·(HEADER_WORDS + 2k) ..] and reads chosen[chosen_row + r].
// Special values: entries ≤ −1e30 (NEG_BIG) count as −inf (p = 0; they tie with each other);
//   NaN and +inf entries (an f16 overflow, say) leave no distribution: the row is flagged and reports
//   nothing else. NaN is detected on the bits, so a compiler's no-NaN assumptions cannot hide it.
// CPU reference: logitsTopKCpu in src/gpu/logitsTopKCpu.ts (float64, full sort + two-pass lse, −Σ p log p).

struct U {
  elem_offset: u32, // first element of row 0 inside the bound window (f32 or f16 elements)
  rows: u32,        // rows in this chunk
  vocab: u32,       // V
  k: u32,           // 1 ≤ k ≤ MAX_K, k ≤ V
  chosen_row: u32,  // index into chosen of this chunk's row 0
  out_row: u32,     // index into out (in records) of this chunk's row 0
  has_chosen: u32,  // 0: no chosen tokens, rank = −1
  _pad0: u32,
}

@group(0) @binding(0) var<storage, read> logits: array<u32>;
@group(0) @binding(1) var<storage, read> chosen: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 256u;

const MAX_K: u32 = 20u;
const HEADER_WORDS: u32 = 5u; // status, rank, logp_c, lse, entropy
// −inf (and anything ≤ −1e30) is clamped to NEG_BIG on load, so exp(x − m) underflows to 0 instead
// of meeting −inf − (−inf) = NaN; the same convention as logits_stats.wgsl.
const NEG_BIG: f32 = -1.0e30;
// An empty list slot: below every clamped value, with an id after every real one.
const NONE_V: f32 = -3.0e38;
const NONE_I: u32 = 0xffffffffu;
const ST_NAN: u32 = 1u;
const ST_POS_INF: u32 = 2u;
const ST_NO_FINITE: u32 = 4u;
const NAN_BITS: u32 = 0x7fc00000u;
const NEG_INF_BITS: u32 = 0xff800000u;

var<workgroup> red_m: array<f32, WG>;
var<workgroup> red_s: array<f32, WG>;
var<workgroup> red_t: array<f32, WG>;
var<workgroup> red_c: array<u32, WG>;
var<workgroup> red_f: array<u32, WG>;
var<workgroup> red_v: array<f32, WG>;
var<workgroup> red_i: array<u32, WG>;
var<workgroup> win_v: f32;
var<workgroup> win_i: u32;

// Merges scan instead of halving trees: SCAN threads each fold WG / SCAN slots, then thread 0 folds
// theirs — two barriers per merge instead of log2(WG), which matters over k rounds.
const SCAN: u32 = 16u;

struct Stats { m: f32, s: f32, t: f32, c: u32, f: u32 }

// Fold the (m, s, t, ahead, flags) slots lo, lo + inc, … < hi.
fn fold_stats(lo: u32, hi: u32, inc: u32) -> Stats {
  var a = Stats(red_m[lo], red_s[lo], red_t[lo], red_c[lo], red_f[lo]);
  for (var q = lo + inc; q < hi; q = q + inc) {
    let mq = red_m[q];
    let mn = max(a.m, mq);
    let da = a.m - mn;
    let dq = mq - mn;
    let ka = exp(da);
    let kq = exp(dq);
    // t is relative to m: moving it to mn adds s·(m − mn) before the rescale (logits_stats.wgsl's merge)
    a = Stats(mn, a.s * ka + red_s[q] * kq, (a.t + a.s * da) * ka + (red_t[q] + red_s[q] * dq) * kq, a.c + red_c[q], a.f | red_f[q]);
  }
  return a;
}

fn put_stats(q: u32, a: Stats) {
  red_m[q] = a.m;
  red_s[q] = a.s;
  red_t[q] = a.t;
  red_c[q] = a.c;
  red_f[q] = a.f;
}

struct Best { v: f32, i: u32 }

// The first in the order among the list-head slots lo, lo + inc, … < hi.
fn best_of(lo: u32, hi: u32, inc: u32) -> Best {
  var b = Best(red_v[lo], red_i[lo]);
  for (var q = lo + inc; q < hi; q = q + inc) {
    if (before(red_v[q], red_i[q], b.v, b.i)) { b = Best(red_v[q], red_i[q]); }
  }
  return b;
}

fn finish(row: u32, lid: u32) {
  let lanes = min(SCAN, WG);
  let per = WG / lanes;
  put_stats(lid, Stats(acc_m, acc_s, acc_t, ahead, flags));
  workgroupBarrier();
  // Stage 1: thread q < lanes folds slots [q·per, (q+1)·per) into slot q·per.
  if (lid < lanes) {
    let q0 = lid * per;
    put_stats(q0, fold_stats(q0, q0 + per, 1u));
  }
  workgroupBarrier();
  // Stage 2, every thread alike (no third barrier needed): fold the lanes' partials.
  let t = fold_stats(0u, WG, per);
  let m = t.m;
  let log_s = log(t.s);
  let status = t.f | select(0u, ST_NO_FINITE, m <= NEG_BIG);
  let invalid = status != 0u;
  let k = u.k; // from the uniform, not the private copy: the round loop's barriers need it uniform
  let o = (u.out_row + row) * (HEADER_WORDS + 2u * k);
  if (lid == 0u) {
    out[o] = status;
    var lse = bitcast<u32>(m + log_s);
    if ((status & (ST_NAN | ST_POS_INF)) != 0u) { lse = NAN_BITS; } else if (invalid) { lse = NEG_INF_BITS; }
    out[o + 3u] = lse;
    out[o + 4u] = select(bitcast<u32>(max(log_s - t.t / t.s, 0.0)), NAN_BITS, invalid); // H ≥ 0; rounding can give −1e-7
    if (invalid || chosen_i == NONE_I) {
      out[o + 1u] = NONE_I; // −1 as i32
      out[o + 2u] = NAN_BITS;
    } else {
      out[o + 1u] = t.c;
      // (x − m) − log s keeps precision when x ≈ m ≈ 1e4.
      out[o + 2u] = select(bitcast<u32>((chosen_v - m) - log_s), NEG_INF_BITS, chosen_v <= NEG_BIG);
    }
  }
  // k rounds: the workgroup's best list head wins; its owner advances. Every thread runs every
  // round (k is uniform), so the barriers stay in uniform control flow.
  let ids = o + HEADER_WORDS;
  var head = 0u;
  for (var r = 0u; r < k; r = r + 1u) {
    var v = NONE_V;
    var id = NONE_I;
    if (head < kk) {
      v = top_v[head];
      id = top_i[head];
    }
    red_v[lid] = v;
    red_i[lid] = id;
    workgroupBarrier();
    if (lid < lanes) {
      let q0 = lid * per;
      let b = best_of(q0, q0 + per, 1u);
      red_v[q0] = b.v;
      red_i[q0] = b.i;
    }
    workgroupBarrier();
    if (lid == 0u) {
      let b = best_of(0u, WG, per);
      win_v = b.v;
      win_i = b.i;
      if (invalid) {
        out[ids + r] = NONE_I;
        out[ids + k + r] = NAN_BITS;
      } else {
        out[ids + r] = b.i;
        out[ids + k + r] = select(bitcast<u32>((b.v - m) - log_s), NEG_INF_BITS, b.v <= NEG_BIG);
      }
    }
    // Everyone reads the winner before the next round rewrites red_* (after its first barrier)
    // and win_* (after its second).
    workgroupBarrier();
    if (head < kk && id == win_i) { head = head + 1u; } // ids are unique: one owner
  }
}

@compute @workgroup_size(WG)
fn main_f32(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x;
  begin(row, false);
  let start = u.elem_offset + row * u.vocab;
  let V = u.vocab;
  // Four strided columns per step (coalesced across the workgroup, ascending per thread), then the rest.
  var j = lid;
  for (; j + 3u * WG < V; j = j + 4u * WG) {
    let i = start + j;
    let ids = vec4<u32>(j, j + WG, j + 2u * WG, j + 3u * WG);
    push4(load4_f32(vec4<u32>(logits[i], logits[i + WG], logits[i + 2u * WG], logits[i + 3u * WG])), ids);
  }
  for (; j < V; j = j + WG) {
    push(load_f32(logits[start + j]), j);
  }
  finish(row, lid);
}

@compute @workgroup_size(WG)
fn main_f16(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x;
  begin(row, true);
  let start = u.elem_offset + row * u.vocab; // f16 element index, may be odd
  let end = start + u.vocab;
  // Whole words [w0, w1) hold two elements of this row each; an odd start or end leaves one lone
  // half at either edge, taken by threads 0 and 1 (first and last, so each list sees ids in order).
  let w0 = (start + 1u) >> 1u;
  let w1 = end >> 1u;
  if (lid == 0u && (start & 1u) == 1u) { push(f16_at(start), 0u); }
  var w = w0 + lid;
  for (; w + WG < w1; w = w + 2u * WG) {
    let col = 2u * w - start;
    let col2 = col + 2u * WG;
    push4(load4_half(logits[w], logits[w + WG]), vec4<u32>(col, col + 1u, col2, col2 + 1u));
  }
  for (; w < w1; w = w + WG) {
    let word = logits[w];
    let col = 2u * w - start;
    push(load_half(word & 0xffffu), col);
    push(load_half(word >> 16u), col + 1u);
  }
  if (lid == min(1u, WG - 1u) && (end & 1u) == 1u) { push(f16_at(end - 1u), u.vocab - 1u); }
  finish(row, lid);
}
