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
// workgroup merges (m, s, count, flags), then extracts the k winners in k rounds of a workgroup
// argmax over the heads of the threads' lists (the global top-k lies in their union).
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
var<workgroup> win_v: f32;
var<workgroup> win_i: u32;

// Per-invocation state of the streaming pass.
var<private> top_v: array<f32, MAX_K>; // this thread's k best, in order
var<private> top_i: array<u32, MAX_K>;
var<private> thr_v: f32; // = top_v[k − 1], top_i[k − 1]: the bar to enter the list, kept in registers
var<private> thr_i: u32;
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

fn before4(v: vec4<f32>, ids: vec4<u32>, bv: f32, bi: u32) -> vec4<bool> {
  return (v > vec4<f32>(bv)) | ((v == vec4<f32>(bv)) & (ids < vec4<u32>(bi)));
}

// f32 bit pattern → clamped value; NaN / +inf flag the row and count as −inf here.
fn load_f32(bits: u32) -> f32 {
  let mag = bits & 0x7fffffffu;
  flags = flags | select(0u, ST_NAN, mag > 0x7f800000u) | select(0u, ST_POS_INF, bits == 0x7f800000u);
  return select(max(bitcast<f32>(bits), NEG_BIG), NEG_BIG, mag >= 0x7f800000u);
}

fn load4_f32(bits: vec4<u32>) -> vec4<f32> {
  let mag = bits & vec4<u32>(0x7fffffffu);
  flags = flags | select(0u, ST_NAN, any(mag > vec4<u32>(0x7f800000u))) | select(0u, ST_POS_INF, any(bits == vec4<u32>(0x7f800000u)));
  return select(max(bitcast<vec4<f32>>(bits), vec4<f32>(NEG_BIG)), vec4<f32>(NEG_BIG), mag >= vec4<u32>(0x7f800000u));
}

// One binary16 pattern (low 16 bits of h) → clamped value, flags as load_f32.
fn load_half(h: u32) -> f32 {
  let mag = h & 0x7fffu;
  flags = flags | select(0u, ST_NAN, mag > 0x7c00u) | select(0u, ST_POS_INF, h == 0x7c00u);
  return select(max(unpack2x16float(h).x, NEG_BIG), NEG_BIG, mag >= 0x7c00u);
}

// Two words = four halves (a.lo, a.hi, b.lo, b.hi).
fn load4_half(a: u32, b: u32) -> vec4<f32> {
  let h = vec4<u32>(a & 0xffffu, a >> 16u, b & 0xffffu, b >> 16u);
  let mag = h & vec4<u32>(0x7fffu);
  flags = flags | select(0u, ST_NAN, any(mag > vec4<u32>(0x7c00u))) | select(0u, ST_POS_INF, any(h == vec4<u32>(0x7c00u)));
  let v = vec4<f32>(unpack2x16float(a), unpack2x16float(b));
  return select(max(v, vec4<f32>(NEG_BIG)), vec4<f32>(NEG_BIG), mag >= vec4<u32>(0x7c00u));
}

fn f16_at(i: u32) -> f32 {
  return load_half((logits[i >> 1u] >> ((i & 1u) * 16u)) & 0xffffu);
}

// Insertion into the sorted list; rare after the first columns.
fn insert(x: f32, j: u32) {
  if (!before(x, j, thr_v, thr_i)) { return; }
  var p = kk - 1u;
  loop {
    if (p == 0u) { break; }
    if (!before(x, j, top_v[p - 1u], top_i[p - 1u])) { break; }
    top_v[p] = top_v[p - 1u];
    top_i[p] = top_i[p - 1u];
    p = p - 1u;
  }
  top_v[p] = x;
  top_i[p] = j;
  thr_v = top_v[kk - 1u];
  thr_i = top_i[kk - 1u];
}

fn push(x: f32, j: u32) {
  if (x > acc_m) {
    acc_s = acc_s * exp(acc_m - x) + 1.0;
    acc_m = x;
  } else {
    acc_s = acc_s + exp(x - acc_m);
  }
  ahead = ahead + select(0u, 1u, before(x, j, chosen_v, chosen_i));
  insert(x, j);
}

// Four values of ascending ids: one rescale, four exps, and the list touched only when one of
// them clears the bar.
fn push4(v: vec4<f32>, ids: vec4<u32>) {
  let mx = max(max(v.x, v.y), max(v.z, v.w));
  if (mx > acc_m) {
    acc_s = acc_s * exp(acc_m - mx);
    acc_m = mx;
  }
  acc_s = acc_s + dot(exp(v - vec4<f32>(acc_m)), vec4<f32>(1.0));
  ahead = ahead + dot(select(vec4<u32>(0u), vec4<u32>(1u), before4(v, ids, chosen_v, chosen_i)), vec4<u32>(1u));
  if (any(before4(v, ids, thr_v, thr_i))) {
    insert(v.x, ids.x);
    insert(v.y, ids.y);
    insert(v.z, ids.z);
    insert(v.w, ids.w);
  }
}

// Reset the per-thread state; every thread reads the chosen column's value before its pass.
fn begin(row: u32, is_f16: bool) {
  kk = params.k;
  for (var i = 0u; i < MAX_K; i = i + 1u) {
    top_v[i] = NONE_V;
    top_i[i] = NONE_I;
  }
  thr_v = NONE_V;
  thr_i = NONE_I;
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

// Merges scan instead of halving trees: SCAN threads each fold WG / SCAN slots, then thread 0 folds
// theirs — two barriers per merge instead of log2(WG), which matters over k rounds.
const SCAN: u32 = 16u;

fn finish(row: u32, lid: u32) {
  let lanes = min(SCAN, WG);
  let per = WG / lanes;
  red_m[lid] = acc_m;
  red_s[lid] = acc_s;
  red_c[lid] = ahead;
  red_f[lid] = flags;
  workgroupBarrier();
  // Stage 1: thread q < lanes folds slots [q·per, (q+1)·per) into slot q·per.
  if (lid < lanes) {
    let q0 = lid * per;
    var m = red_m[q0];
    var s_ = red_s[q0];
    var c = red_c[q0];
    var f = red_f[q0];
    for (var q = q0 + 1u; q < q0 + per; q = q + 1u) {
      let mq = red_m[q];
      let mn = max(m, mq);
      s_ = s_ * exp(m - mn) + red_s[q] * exp(mq - mn);
      m = mn;
      c = c + red_c[q];
      f = f | red_f[q];
    }
    red_m[q0] = m;
    red_s[q0] = s_;
    red_c[q0] = c;
    red_f[q0] = f;
  }
  workgroupBarrier();
  // Stage 2, every thread alike (no third barrier needed): fold the lanes' partials.
  var m = red_m[0];
  var s_ = red_s[0];
  var c = red_c[0];
  var f = red_f[0];
  for (var q = per; q < WG; q = q + per) {
    let mq = red_m[q];
    let mn = max(m, mq);
    s_ = s_ * exp(m - mn) + red_s[q] * exp(mq - mn);
    m = mn;
    c = c + red_c[q];
    f = f | red_f[q];
  }
  let log_s = log(s_);
  let status = f | select(0u, ST_NO_FINITE, m <= NEG_BIG);
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
      out[o + 1u] = c;
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
    if (lid < lanes) {
      let q0 = lid * per;
      var bv = red_v[q0];
      var bi = red_i[q0];
      for (var q = q0 + 1u; q < q0 + per; q = q + 1u) {
        if (before(red_v[q], red_i[q], bv, bi)) {
          bv = red_v[q];
          bi = red_i[q];
        }
      }
      red_v[q0] = bv;
      red_i[q0] = bi;
    }
    workgroupBarrier();
    if (lid == 0u) {
      var bv = red_v[0];
      var bi = red_i[0];
      for (var q = per; q < WG; q = q + per) {
        if (before(red_v[q], red_i[q], bv, bi)) {
          bv = red_v[q];
          bi = red_i[q];
        }
      }
      win_v = bv;
      win_i = bi;
      if (invalid) {
        out[o + 4u + r] = NONE_I;
        out[o + 4u + k + r] = NAN_BITS;
      } else {
        out[o + 4u + r] = bi;
        out[o + 4u + k + r] = select(bitcast<u32>((bv - m) - log_s), NEG_INF_BITS, bv <= NEG_BIG);
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
  let start = params.elem_offset + row * params.vocab;
  let V = params.vocab;
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
  let start = params.elem_offset + row * params.vocab; // f16 element index, may be odd
  let end = start + params.vocab;
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
  if (lid == min(1u, WG - 1u) && (end & 1u) == 1u) { push(f16_at(end - 1u), params.vocab - 1u); }
  finish(row, lid);
}
