// logits_topk_rows.wgsl — the 'software' variant of logits_topk.wgsl (src/gpu/adapterProfile.ts):
// the same per-row top-k, log-probs, chosen rank and status, but ONE invocation per row and no
// workgroup memory or barriers, which SwiftShader runs very slowly (logits_topk.wgsl spends
// 2 + 3k barriers per row merging 256 threads). The invocation streams its whole row once through
// the per-thread pass of logits_topk_stream.wgsl (concatenated after this file at load), so its
// private list already is the row's top-k and its online triple the row's lse and entropy.
//
// For every row r of logits [T, V] (x = the row, c = chosen[r], k ≤ MAX_K): as logits_topk.wgsl —
//   order:    token a precedes token b  ⇔  x_a > x_b, or x_a = x_b and a < b (ties → lower id)
//   top-k:    the first k tokens of that order, their log p = x − lse, lse = log Σ_j exp(x_j)
//   rank(c):  #{j : x_j > x_c} + #{j < c : x_j = x_c}
//   entropy:  H = −Σ_j p_j log p_j (nats)
//
// Bindings (the engine kernels' convention; declared in src/gpu/kernels/logits.ts):
//   @group(0) @binding(0) read        logits  array<u32>: [T, V] f32 bit patterns, or f16 pairs packed
//                                             two per word (low half first) — a window of rows bound
//                                             at an aligned byte offset; row r starts at element
//                                             elem_offset + r·V of the window
//   @group(0) @binding(1) read        chosen  array<i32> [T_total]; −1 = none (ignored unless has_chosen)
//   @group(0) @binding(2) read_write  out     array<u32> [T_total, HEADER_WORDS + 2k]: the records of
//                                             logits_topk.wgsl (status, rank, logp_c, lse, entropy, ids[k], logp[k])
//   @group(1) @binding(0) uniform     u       element offset, sizes, k, flags
// Workgroup size: override WG (default 16 rows per workgroup; no shared state between them).
// Dispatch: dispatchWorkgroups(ceil(rows_in_chunk / WG)) per chunk of rows; entry main_f32 or main_f16.
// Special values: as logits_topk.wgsl (≤ −1e30 counts as −inf; NaN / +inf flag the row).
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

override WG: u32 = 16u;

const MAX_K: u32 = 20u;
const HEADER_WORDS: u32 = 5u; // status, rank, logp_c, lse, entropy
const NEG_BIG: f32 = -1.0e30;
const NONE_V: f32 = -3.0e38;
const NONE_I: u32 = 0xffffffffu;
const ST_NAN: u32 = 1u;
const ST_POS_INF: u32 = 2u;
const ST_NO_FINITE: u32 = 4u;
const NAN_BITS: u32 = 0x7fc00000u;
const NEG_INF_BITS: u32 = 0xff800000u;

// The record of row `row` from the invocation's state after its pass (the one-thread finish of
// logits_topk.wgsl: no merge).
fn write_record(row: u32) {
  let m = acc_m;
  let log_s = log(acc_s);
  let status = flags | select(0u, ST_NO_FINITE, m <= NEG_BIG);
  let invalid = status != 0u;
  let o = (u.out_row + row) * (HEADER_WORDS + 2u * kk);
  out[o] = status;
  var lse = bitcast<u32>(m + log_s);
  if ((status & (ST_NAN | ST_POS_INF)) != 0u) { lse = NAN_BITS; } else if (invalid) { lse = NEG_INF_BITS; }
  out[o + 3u] = lse;
  out[o + 4u] = select(bitcast<u32>(max(log_s - acc_t / acc_s, 0.0)), NAN_BITS, invalid); // H ≥ 0; rounding can give −1e-7
  if (invalid || chosen_i == NONE_I) {
    out[o + 1u] = NONE_I; // −1 as i32
    out[o + 2u] = NAN_BITS;
  } else {
    out[o + 1u] = ahead;
    // (x − m) − log s keeps precision when x ≈ m ≈ 1e4.
    out[o + 2u] = select(bitcast<u32>((chosen_v - m) - log_s), NEG_INF_BITS, chosen_v <= NEG_BIG);
  }
  let ids = o + HEADER_WORDS;
  for (var r = 0u; r < kk; r = r + 1u) {
    if (invalid) {
      out[ids + r] = NONE_I;
      out[ids + kk + r] = NAN_BITS;
    } else {
      let v = top_v[r];
      out[ids + r] = top_i[r];
      out[ids + kk + r] = select(bitcast<u32>((v - m) - log_s), NEG_INF_BITS, v <= NEG_BIG);
    }
  }
}

@compute @workgroup_size(WG)
fn main_f32(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= u.rows) { return; } // no barriers: the spare invocations of the last workgroup leave
  begin(row, false);
  let start = u.elem_offset + row * u.vocab;
  let V = u.vocab;
  // Four consecutive columns per step, then the rest.
  var j = 0u;
  for (; j + 4u <= V; j = j + 4u) {
    let i = start + j;
    push4(load4_f32(vec4<u32>(logits[i], logits[i + 1u], logits[i + 2u], logits[i + 3u])), vec4<u32>(j, j + 1u, j + 2u, j + 3u));
  }
  for (; j < V; j = j + 1u) {
    push(load_f32(logits[start + j]), j);
  }
  write_record(row);
}

@compute @workgroup_size(WG)
fn main_f16(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= u.rows) { return; }
  begin(row, true);
  let start = u.elem_offset + row * u.vocab; // f16 element index, may be odd
  let end = start + u.vocab;
  // Whole words [w0, w1) hold two elements of this row each; an odd start or end leaves one lone
  // half at either edge (pushed first and last, so the list sees ids in ascending order).
  let w0 = (start + 1u) >> 1u;
  let w1 = end >> 1u;
  if ((start & 1u) == 1u) { push(f16_at(start), 0u); }
  var w = w0;
  for (; w + 2u <= w1; w = w + 2u) {
    let col = 2u * w - start;
    push4(load4_half(logits[w], logits[w + 1u]), vec4<u32>(col, col + 1u, col + 2u, col + 3u));
  }
  for (; w < w1; w = w + 1u) {
    let word = logits[w];
    let col = 2u * w - start;
    push(load_half(word & 0xffffu), col);
    push(load_half(word >> 16u), col + 1u);
  }
  if ((end & 1u) == 1u) { push(f16_at(end - 1u), u.vocab - 1u); }
  write_record(row);
}
