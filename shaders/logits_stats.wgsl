// logits_stats.wgsl — per-row statistics of a logits matrix in ONE read of each row.
//
// For every row r of logits [T, V]:
//   out[r] = (max_j x_j,  lse = log Σ_j exp(x_j),  entropy H = lse − Σ_j p_j·x_j  (nats),
//             log p(target_r) = x_target − lse)
// Streaming (online) softmax: each thread keeps a triple (m, s, t) over the columns it reads,
//   m = running max,  s = Σ exp(x − m),  t = Σ exp(x − m)·(x − m),
// rescaled whenever m grows; the workgroup then merges the triples in a tree. Keeping t relative
// to m gives H = log s − t/s, which equals lse − Σ p·x without cancelling two ~1e4 numbers in f32.
// −inf entries are clamped to NEG_BIG on load (see below), so exp(−inf − m) never meets a NaN.
//
// Bindings (the engine kernels' convention; declared in src/gpu/kernels/logits.ts):
//   @group(0) @binding(0) read        logits   array<u32>: [T, V] f32 bit patterns, or f16 pairs packed
//                                              two per word (low half first) — a window of rows bound
//                                              at an aligned byte offset; row r starts at element
//                                              elem_offset + r·V of the window
//   @group(0) @binding(1) read        targets  array<i32> [T_total]; −1 = none (ignored unless has_targets)
//   @group(0) @binding(2) read_write  out      array<f32> [T_total, STATS_PER_ROW] = (max, lse, entropy, target_logp)
//   @group(1) @binding(0) uniform     u        element offset, sizes, flags
// Workgroup size: override WG (a power of two, default 256); one workgroup per row.
// Dispatch: dispatchWorkgroups(rows_in_chunk) per chunk of rows; entry main_f32 or main_f16.
// Row r of a chunk writes out[(out_row + r)·4 ..] and reads targets[target_row + r].
// Special values: entries ≤ −1e30 (NEG_BIG) count as −inf (p = 0); a row with no larger entry
//   gives max = lse = −inf, entropy = target_logp = NaN;
//   target −1 gives target_logp = NaN (the same as the CPU reference).
// CPU reference: logitsStatsCpu in src/gpu/logitsStatsCpu.ts (float64, two-pass).

struct U {
  elem_offset: u32, // first element of row 0 inside the bound window (f32 or f16 elements)
  rows: u32,        // rows in this chunk
  vocab: u32,       // V
  target_row: u32,  // index into targets of this chunk's row 0
  out_row: u32,     // index into out (in rows) of this chunk's row 0
  has_targets: u32, // 0: no targets buffer content, write NaN
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> logits: array<u32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 256u;

const STATS_PER_ROW: u32 = 4u; // floats written per row

// −inf is clamped to NEG_BIG on load: then exp(x − m) underflows to exactly 0 and e·(x − m) is
// 0, never 0·∞ = NaN, without a branch per element. Values ≤ NEG_BIG count as −inf (p = 0); a
// row whose max stays at NEG_BIG had no finite entry. s·(NEG_BIG − m) stays finite for any V < 1e8.
const NEG_BIG: f32 = -1.0e30;

var<workgroup> red_m: array<f32, WG>;
var<workgroup> red_s: array<f32, WG>;
var<workgroup> red_t: array<f32, WG>;

struct Acc { m: f32, s: f32, t: f32 }

const EMPTY = Acc(NEG_BIG, 0.0, 0.0);

// Move the triple to a larger max: exp(y − mx)·(y − mx) = exp(y − m)·k·((y − m) + d), d = m − mx, k = e^d.
fn raise(a: Acc, mx: f32) -> Acc {
  if (mx <= a.m) { return a; }
  let d = a.m - mx;
  let k = exp(d);
  return Acc(mx, a.s * k, (a.t + a.s * d) * k);
}

// Fold four (clamped) values: at most one rescale, then four exps.
fn push4(a0: Acc, v: vec4<f32>) -> Acc {
  let a = raise(a0, max(max(v.x, v.y), max(v.z, v.w)));
  let d = v - vec4<f32>(a.m);
  let e = exp(d);
  return Acc(a.m, a.s + dot(e, vec4<f32>(1.0)), a.t + dot(e, d));
}

fn push1(a0: Acc, x: f32) -> Acc {
  let a = raise(a0, x);
  let d = x - a.m;
  let e = exp(d);
  return Acc(a.m, a.s + e, a.t + e * d);
}

// Merge two triples (an empty one has m = NEG_BIG, s = 0, t = 0).
fn merge(a: Acc, b: Acc) -> Acc {
  let m = max(a.m, b.m);
  let da = a.m - m;
  let db = b.m - m;
  let ka = exp(da);
  let kb = exp(db);
  return Acc(m, a.s * ka + b.s * kb, (a.t + a.s * da) * ka + (b.t + b.s * db) * kb);
}

fn f32_at(i: u32) -> f32 {
  return max(bitcast<f32>(logits[i]), NEG_BIG);
}

// Value of f16 element i of the window.
fn f16_at(i: u32) -> f32 {
  let pair = unpack2x16float(logits[i >> 1u]);
  return max(select(pair.x, pair.y, (i & 1u) == 1u), NEG_BIG);
}

fn finish(row: u32, lid: u32, acc: Acc, is_f16: bool) {
  red_m[lid] = acc.m;
  red_s[lid] = acc.s;
  red_t[lid] = acc.t;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      let r = merge(Acc(red_m[lid], red_s[lid], red_t[lid]),
                    Acc(red_m[lid + stride], red_s[lid + stride], red_t[lid + stride]));
      red_m[lid] = r.m;
      red_s[lid] = r.s;
      red_t[lid] = r.t;
    }
    workgroupBarrier();
  }
  if (lid != 0u) { return; }
  // NaN and −inf built at run time (WGSL const-expressions may not produce them).
  var nan_bits = 0x7fc00000u;
  var ninf_bits = 0xff800000u;
  let nan = bitcast<f32>(nan_bits);
  let total = Acc(red_m[0], red_s[0], red_t[0]);
  let o = (u.out_row + row) * STATS_PER_ROW;
  if (total.m <= NEG_BIG) { // every entry −inf: no distribution
    out[o] = bitcast<f32>(ninf_bits);
    out[o + 1u] = bitcast<f32>(ninf_bits);
    out[o + 2u] = nan;
    out[o + 3u] = nan;
    return;
  }
  let log_s = log(total.s);
  let lse = total.m + log_s;
  out[o] = total.m;
  out[o + 1u] = lse;
  out[o + 2u] = max(log_s - total.t / total.s, 0.0); // H ≥ 0; rounding can give −1e-7
  var target_logp = nan;
  if (u.has_targets != 0u) {
    let tgt = targets[u.target_row + row];
    if (tgt >= 0 && u32(tgt) < u.vocab) {
      // One extra element read per row, not a second pass.
      let i = u.elem_offset + row * u.vocab + u32(tgt);
      var x: f32;
      if (is_f16) { x = f16_at(i); } else { x = f32_at(i); }
      // (x − m) − log s keeps precision when x ≈ m ≈ 1e4.
      target_logp = select((x - total.m) - log_s, bitcast<f32>(ninf_bits), x <= NEG_BIG);
    }
  }
  out[o + 3u] = target_logp;
}

@compute @workgroup_size(WG)
fn main_f32(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x;
  let start = u.elem_offset + row * u.vocab;
  let V = u.vocab;
  var acc = EMPTY;
  // Four strided columns per step (coalesced across the workgroup), then the remainder.
  var j = lid;
  for (; j + 3u * WG < V; j = j + 4u * WG) {
    let i = start + j;
    acc = push4(acc, vec4<f32>(f32_at(i), f32_at(i + WG), f32_at(i + 2u * WG), f32_at(i + 3u * WG)));
  }
  for (; j < V; j = j + WG) {
    acc = push1(acc, f32_at(start + j));
  }
  finish(row, lid, acc, false);
}

@compute @workgroup_size(WG)
fn main_f16(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x;
  let start = u.elem_offset + row * u.vocab; // f16 element index, may be odd
  let end = start + u.vocab;
  // Whole words [w0, w1) hold two elements of this row each; an odd start or end leaves one
  // lone half at either edge, taken by threads 0 and 1.
  let w0 = (start + 1u) >> 1u;
  let w1 = end >> 1u;
  var acc = EMPTY;
  var w = w0 + lid;
  for (; w + WG < w1; w = w + 2u * WG) {
    let a = unpack2x16float(logits[w]);
    let b = unpack2x16float(logits[w + WG]);
    acc = push4(acc, max(vec4<f32>(a, b), vec4<f32>(NEG_BIG)));
  }
  for (; w < w1; w = w + WG) {
    let a = max(unpack2x16float(logits[w]), vec2<f32>(NEG_BIG));
    acc = push1(push1(acc, a.x), a.y);
  }
  if (lid == 0u && (start & 1u) == 1u) { acc = push1(acc, f16_at(start)); }
  if (lid == min(1u, WG - 1u) && (end & 1u) == 1u) { acc = push1(acc, f16_at(end - 1u)); }
  finish(row, lid, acc, true);
}
