// logits_topk.wgsl — per-row top-k of a logits matrix, with log-probs and the chosen token's rank,
// in ONE read of each row; only k ids + k log-probs + a 4-word header per row are written.
//
// For every row r of logits [T, V] (x = the row, c = chosen[r], k ≤ MAX_K):
//   order:    token a precedes token b  ⇔  x_a > x_b, or x_a = x_b and a < b (ties → lower id)
//   top-k:    the first k tokens of that order, their log p = x − lse, lse = log Σ_j exp(x_j)
//   rank(c):  #{j : x_j > x_c} + #{j < c : x_j = x_c} — c's 0-based position in the order, so
//             rank 0 is the argmax and rank(c) < k ⇔ ids[rank(c)] = c
// Each thread streams its columns keeping an online softmax pair (m, s = Σ exp(x − m)), a count of
// columns ahead of c in the order, NaN / +inf flags and a sorted private list of its k best; the
// workgroup merges (m, s, count, flags) in a tree, then extracts the k winners in k rounds of a
// workgroup argmax over the heads of the threads' lists (the global top-k lies in their union).
//
// Bindings (group 0):
//   @binding(0) uniform             params  Params (element offset, sizes, k, flags)
//   @binding(1) storage, read       logits  array<u32>: [T, V] f32 bit patterns, or f16 pairs packed
//                                           two per word (low half first) — a window of rows bound
//                                           at an aligned byte offset; row r starts at element
//                                           elem_offset + r·V of the window
//   @binding(2) storage, read       chosen  array<i32> [T_total]; −1 = none (ignored unless has_chosen)
//   @binding(3) storage, read_write out     array<u32> [T_total, 4 + 2k], one record per row:
//       [0] status   bit flags: 1 = a NaN entry, 2 = a +inf entry, 4 = no entry above −inf
//       [1] rank     i32 rank(c); −1 when c is none / out of range or the row is invalid (status ≠ 0)
//       [2] logp_c   f32 log p(c); NaN when rank is −1; −inf when x_c is −inf
//       [3] lse      f32 log Σ exp(x); −inf for an all −inf row (status 4); NaN for status 1 / 2
//       [4 .. 4+k)   i32 top-k ids in order; −1 in every slot of an invalid row
//       [4+k .. 4+2k) f32 their log p; −inf for −inf entries (a row with < k finite entries lists
//                    its −inf tokens, lowest ids first); NaN in an invalid row
// Workgroup size: override WG (a power of two, default 256); one workgroup per row.
// Dispatch: dispatchWorkgroups(rows_in_chunk) per chunk of rows; entry main_f32 or main_f16.
// Row r of a chunk writes out[(out_row + r)·(4 + 2k) ..] and reads chosen[chosen_row + r].
// Special values: entries ≤ −1e30 (NEG_BIG) count as −inf (p = 0; they tie with each other);
//   NaN and +inf entries (an f16 overflow, say) leave no distribution: the row is flagged and reports
//   nothing else. NaN is detected on the bits, so a compiler's no-NaN assumptions cannot hide it.
// CPU reference: logitsTopKCpu in src/gpu/logitsTopKCpu.ts (float64, full sort + two-pass lse).

struct Params {
  elem_offset: u32, // first element of row 0 inside the bound window (f32 or f16 elements)
  rows: u32,        // rows in this chunk
  vocab: u32,       // V
  k: u32,           // 1 ≤ k ≤ MAX_K, k ≤ V
  chosen_row: u32,  // index into chosen of this chunk's row 0
  out_row: u32,     // index into out (in records) of this chunk's row 0
  has_chosen: u32,  // 0: no chosen tokens, rank = −1
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<u32>;
@group(0) @binding(2) var<storage, read> chosen: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

override WG: u32 = 256u;

const MAX_K: u32 = 20u;
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
var<workgroup> red_c: array<u32, WG>;
var<workgroup> red_f: array<u32, WG>;
var<workgroup> red_v: array<f32, WG>;
var<workgroup> red_i: array<u32, WG>;

// Per-invocation state of the streaming pass.
var<private> top_v: array<f32, MAX_K>; // this thread's k best, in order
var<private> top_i: array<u32, MAX_K>;
var<private> acc_m: f32;
var<private> acc_s: f32;
var<private> ahead: u32; // columns ahead of the chosen token in the order
var<private> flags: u32;
var<private> kk: u32;
var<private> chosen_v: f32;
var<private> chosen_i: u32;

fn before(av: f32, ai: u32, bv: f32, bi: u32) -> bool {
  return av > bv || (av == bv && ai < bi);
}

// f32 bit pattern → clamped value; NaN / +inf flag the row and count as −inf here.
fn load_f32(bits: u32) -> f32 {
  let mag = bits & 0x7fffffffu;
  flags = flags | select(0u, ST_NAN, mag > 0x7f800000u) | select(0u, ST_POS_INF, bits == 0x7f800000u);
  return select(max(bitcast<f32>(bits), NEG_BIG), NEG_BIG, mag >= 0x7f800000u);
}

// One binary16 pattern (low 16 bits of h) → clamped value, flags as load_f32.
fn load_half(h: u32) -> f32 {
  let mag = h & 0x7fffu;
  flags = flags | select(0u, ST_NAN, mag > 0x7c00u) | select(0u, ST_POS_INF, h == 0x7c00u);
  return select(max(unpack2x16float(h).x, NEG_BIG), NEG_BIG, mag >= 0x7c00u);
}

fn f16_at(i: u32) -> f32 {
  return load_half((logits[i >> 1u] >> ((i & 1u) * 16u)) & 0xffffu);
}

fn push(x: f32, j: u32) {
  if (x > acc_m) {
    acc_s = acc_s * exp(acc_m - x) + 1.0;
    acc_m = x;
  } else {
    acc_s = acc_s + exp(x - acc_m);
  }
  ahead = ahead + select(0u, 1u, before(x, j, chosen_v, chosen_i));
  let last = kk - 1u;
  if (!before(x, j, top_v[last], top_i[last])) { return; }
  // Insertion into the sorted list; rare after the first columns.
  var p = last;
  loop {
    if (p == 0u) { break; }
    if (!before(x, j, top_v[p - 1u], top_i[p - 1u])) { break; }
    top_v[p] = top_v[p - 1u];
    top_i[p] = top_i[p - 1u];
    p = p - 1u;
  }
  top_v[p] = x;
  top_i[p] = j;
}

// Reset the per-thread state; every thread reads the chosen column's value before its pass.
fn begin(row: u32, is_f16: bool) {
  kk = params.k;
  for (var i = 0u; i < MAX_K; i = i + 1u) {
    top_v[i] = NONE_V;
    top_i[i] = NONE_I;
  }
  acc_m = NEG_BIG;
  acc_s = 0.0;
  ahead = 0u;
  flags = 0u;
  chosen_v = NONE_V;
  chosen_i = NONE_I;
  if (params.has_chosen != 0u) {
    let c = chosen[params.chosen_row + row];
    if (c >= 0 && u32(c) < params.vocab) {
      chosen_i = u32(c);
      let i = params.elem_offset + row * params.vocab + chosen_i;
      if (is_f16) { chosen_v = f16_at(i); } else { chosen_v = load_f32(logits[i]); }
    }
  }
}

fn finish(row: u32, lid: u32) {
  red_m[lid] = acc_m;
  red_s[lid] = acc_s;
  red_c[lid] = ahead;
  red_f[lid] = flags;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      let ma = red_m[lid];
      let mb = red_m[lid + stride];
      let m = max(ma, mb);
      red_s[lid] = red_s[lid] * exp(ma - m) + red_s[lid + stride] * exp(mb - m);
      red_m[lid] = m;
      red_c[lid] = red_c[lid] + red_c[lid + stride];
      red_f[lid] = red_f[lid] | red_f[lid + stride];
    }
    workgroupBarrier();
  }
  let m = red_m[0];
  let log_s = log(red_s[0]);
  let status = red_f[0] | select(0u, ST_NO_FINITE, m <= NEG_BIG);
  let invalid = status != 0u;
  let k = params.k; // from the uniform, not the private copy: the round loop's barriers need it uniform
  let rec = 4u + 2u * k;
  let o = (params.out_row + row) * rec;
  if (lid == 0u) {
    out[o] = status;
    var lse = bitcast<u32>(m + log_s);
    if ((status & (ST_NAN | ST_POS_INF)) != 0u) { lse = NAN_BITS; } else if (invalid) { lse = NEG_INF_BITS; }
    out[o + 3u] = lse;
    if (invalid || chosen_i == NONE_I) {
      out[o + 1u] = NONE_I; // −1 as i32
      out[o + 2u] = NAN_BITS;
    } else {
      out[o + 1u] = red_c[0];
      // (x − m) − log s keeps precision when x ≈ m ≈ 1e4.
      out[o + 2u] = select(bitcast<u32>((chosen_v - m) - log_s), NEG_INF_BITS, chosen_v <= NEG_BIG);
    }
  }
  // k rounds: the workgroup's best list head wins; its owner advances. Every thread runs every
  // round (k is uniform), so the barriers stay in uniform control flow.
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
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
      if (lid < stride && before(red_v[lid + stride], red_i[lid + stride], red_v[lid], red_i[lid])) {
        red_v[lid] = red_v[lid + stride];
        red_i[lid] = red_i[lid + stride];
      }
      workgroupBarrier();
    }
    let win_v = red_v[0];
    let win_i = red_i[0];
    if (head < kk && id == win_i) { head = head + 1u; } // ids are unique: one owner
    if (lid == 0u) {
      if (invalid) {
        out[o + 4u + r] = NONE_I;
        out[o + 4u + k + r] = NAN_BITS;
      } else {
        out[o + 4u + r] = win_i;
        out[o + 4u + k + r] = select(bitcast<u32>((win_v - m) - log_s), NEG_INF_BITS, win_v <= NEG_BIG);
      }
    }
    workgroupBarrier(); // everyone has read red_*[0] before the next round overwrites it
  }
}

@compute @workgroup_size(WG)
fn main_f32(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x;
  begin(row, false);
  let start = params.elem_offset + row * params.vocab;
  for (var j = lid; j < params.vocab; j = j + WG) {
    push(load_f32(logits[start + j]), j);
  }
  finish(row, lid);
}

@compute @workgroup_size(WG)
fn main_f16(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x;
  begin(row, true);
  let start = params.elem_offset + row * params.vocab; // f16 element index, may be odd
  let end = start + params.vocab;
  // Whole words [w0, w1) hold two elements of this row each; an odd start or end leaves one lone
  // half at either edge, taken by threads 0 and 1 (first and last, so each list sees ids in order).
  let w0 = (start + 1u) >> 1u;
  let w1 = end >> 1u;
  if (lid == 0u && (start & 1u) == 1u) { push(f16_at(start), 0u); }
  for (var w = w0 + lid; w < w1; w = w + WG) {
    let word = logits[w];
    let col = 2u * w - start;
    push(load_half(word & 0xffffu), col);
    push(load_half(word >> 16u), col + 1u);
  }
  if (lid == min(1u, WG - 1u) && (end & 1u) == 1u) { push(f16_at(end - 1u), params.vocab - 1u); }
  finish(row, lid);
}
