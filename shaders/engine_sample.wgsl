// engine_sample.wgsl — one token per logits row, drawn on the GPU with the semantics of
// src/sampling/sampleToken.ts (temperature → top-k → top-p → one draw), plus the entropy and the
// sampled token's log-probability at temperature 1, so generation reads back 4 words per row, not V.
//
// The ranking (logit descending, ties by token id ascending) is never sorted. Each step of the
// sampler asks for the shortest prefix of the ranking that meets a condition (k candidates; a
// share topP of the top-k mass; cumulative weight > u · kept mass), and a prefix is a threshold
// key t plus an id cut c:  { i : key_i > t } ∪ { i : key_i = t, i < c },  key = the order-
// preserving u32 of the f32 logit (−0 as +0). A step searches the key space 16-ary: one pass over
// the row builds a 16-bucket histogram of the prefix's keys between lo and hi (registers, no
// atomics), a workgroup reduction gives f(s) = Σ_{key ≥ s} for the 16 bucket starts, the largest
// s still meeting the condition narrows [lo, hi], and 8 passes pin 32 bits. Ties at the found key
// all weigh the same, so how many the prefix needs is arithmetic; the j-th smallest tied id is the
// first, the last, or a 16-ary search over ids. Once a prefix (top-k, top-p) holds at most
// LIST_CAP candidates they are compacted into workgroup memory and later searches scan only them.
// Sums are exact: each weight exp((x − max) / temperature) (f32, ≤ 1) or count 1 becomes a 64-bit
// fixed-point integer (F = 64 − bitlen(V) fraction bits, so a row's sum cannot overflow) and
// 64-bit integer adds do not depend on order — every pass and the tie arithmetic see the same
// totals; topP and u are 32-bit fractions (topP·2^32 rounded, ⌊u·2^32⌋).
//
// engine_sample_lib.wgsl (the helpers, reductions and first passes) is concatenated after this file.
//
// Bindings (the engine kernels' convention; declared in src/gpu/kernels/sample.ts):
//   @group(0) @binding(0) read        logits  array<u32> f32 bit patterns; row r (< R) is elements
//                                             [elem_offset + r·V, elem_offset + (r+1)·V)
//   @group(0) @binding(1) read        draws   array<u32> [R]: ⌊u·2^32⌋ of each row's uniform u
//                                             (unused when temperature = 0 or top_k = 1)
//   @group(0) @binding(2) read_write  out     array<u32> [R, RECORD_WORDS] = (id as i32, entropy f32,
//                                             log p(id) f32, status)
//   @group(1) @binding(0) uniform     u       offset, sizes, temperature, top_k, top_p
// status: 0 ok; else (first bad column << 2) | ST_NAN or | ST_POS_INF, or ST_NO_FINITE (every
//   entry −inf); the row then has id −1 and NaN entropy / log p.
// Workgroup: WG threads (override, a power of two ≥ 2), one workgroup per row; 32·WG + 8·LIST_CAP
//   bytes of workgroup memory (12 KiB at WG = 256). Dispatch: dispatchWorkgroups(R).
// CPU reference: sampleToken / rowEntropy in src/sampling/sampleToken.ts (float64).

struct U {
  elem_offset: u32, // first element of row 0 in logits
  vocab: u32,       // V: elements per row (and the row stride)
  top_k: u32,       // 0 = off
  top_p: u32,       // round(topP·2^32); 0 = off (topP = 1)
  temperature: f32, // 0 = greedy
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<storage, read> logits: array<u32>;
@group(0) @binding(1) var<storage, read> draws: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 256u;

const RECORD_WORDS: u32 = 4u;
const ST_NAN: u32 = 1u;
const ST_POS_INF: u32 = 2u;
const ST_NO_FINITE: u32 = 3u;
const KEY_NEG_INF: u32 = 0x007fffffu; // key of −inf; every finite logit has a larger key
const NONE: u32 = 0xffffffffu;
const LIST_CAP: u32 = 512u;

// What a search step is looking for (goal: a 64-bit fixed-point value).
const K_TOPK: u32 = 0u; // count ≥ top_k           (also: the n-th tied id)
const K_TOPP: u32 = 1u; // mass ≥ ⌈top_p · mass(prefix)⌉
const K_DRAW: u32 = 2u; // mass > ⌊u · mass(prefix)⌋

// 8 words per thread; a 16-bucket histogram is reduced in 4 rounds of 4 buckets.
var<workgroup> red: array<vec4<u32>, 2u * WG>;
var<workgroup> result: array<vec4<u32>, 2>;
// Once a prefix holds at most LIST_CAP candidates they are copied here (in any order: every sum
// is an exact integer), and the later searches scan the list instead of the row.
var<workgroup> list_key: array<u32, LIST_CAP>;
var<workgroup> list_id: array<u32, LIST_CAP>;
var<workgroup> list_fill: atomic<u32>;

var<private> lid: u32;

// What every pass over a row needs (passed as a value: uniformity analysis treats module-scope
// private variables as non-uniform, and the searches branch on these around barriers).
struct Row {
  start: u32,    // first element of the row in logits
  best_key: u32, // the row's largest key
  max_val: f32,  // the row's maximum (= val_of(best_key))
  inv_t: f32,    // 1 / temperature (one rounding, the same in every pass)
  scale: f32,    // 2^(F − 32): a value v ∈ [0, 1] is v·2^F in fixed point
  n_list: u32,   // candidates in list_key / list_id, NONE = scan the row
}

// Element i of what the searches scan: the row, or the compacted list.
struct Elem { key: u32, j: u32, x: f32 }

fn n_elems(r: Row) -> u32 {
  return select(u.vocab, r.n_list, r.n_list != NONE);
}

fn elem(r: Row, i: u32) -> Elem {
  if (r.n_list != NONE) {
    let k = list_key[i];
    return Elem(k, list_id[i], val_of(k)); // val_of(key_of(x)) weighs as x (−0 as +0)
  }
  let bits = logits[r.start + i];
  return Elem(key_of(bits), i, bitcast<f32>(bits));
}

// ---- the searches (helpers, reductions, stats and entropy passes: engine_sample_lib.wgsl) ----

// A set of columns and what is summed:
//   in prefix (t, c);  by_id ≠ 0: only key = tie_key, histogram over ids instead of keys;
//   mass ≠ 0: the weight, else 1.
struct Filter { t: u32, c: u32, tie_key: u32, by_id: u32, mass: u32 }

// f(lo + b·2^sh) for b = 0..15 (keys or ids ≥ that, in the filter), as 64-bit sums.
fn scan16(r: Row, f: Filter, lo: u32, sh: u32, bmax: u32) -> array<vec2<u32>, 16> {
  var h: array<vec2<u32>, 16>;
  let n = n_elems(r);
  for (var i = lid; i < n; i += WG) {
    let e = elem(r, i);
    var inside = in_prefix(e.key, e.j, f.t, f.c);
    var s = e.key;
    if (f.by_id != 0u) {
      inside = inside && e.key == f.tie_key;
      s = e.j;
    }
    inside = inside && s >= lo;
    var v = 1.0;
    if (f.mass != 0u) { v = weight(r, e.x); }
    let b = select(0u, min((s - lo) >> sh, bmax), inside);
    h[b] = add64(h[b], select(vec2<u32>(0u), fixed(r, v), inside));
  }
  var f_of: array<vec2<u32>, 16>; // workgroup totals only (uniform), kept apart from h
  for (var g = 0u; g < 4u; g++) {
    let q = reduce8(R_SUM, vec4<u32>(h[4u * g], h[4u * g + 1u]), vec4<u32>(h[4u * g + 2u], h[4u * g + 3u]));
    f_of[4u * g] = q[0].xy;
    f_of[4u * g + 1u] = q[0].zw;
    f_of[4u * g + 2u] = q[1].xy;
    f_of[4u * g + 3u] = q[1].zw;
  }
  for (var b = 15u; b > 0u; b--) { f_of[b - 1u] = add64(f_of[b - 1u], f_of[b]); } // suffix sums
  return f_of;
}

fn meets(x: vec2<u32>, goal: vec2<u32>, strict: bool) -> bool {
  return ge64(x, goal) && !(strict && all(x == goal));
}

struct Narrowed { s: u32, ok: bool, goal: vec2<u32> }

// The largest s in [lo, hi] with f(s) meeting goal = abs + rel · f(lo) (rounded down when strict,
// up otherwise), where f(lo), the whole filtered set, comes from the first pass; ok = false when
// f(lo) itself falls short. Invariant: f(lo) meets the goal, f(hi + 1) does not.
fn narrow(r: Row, f: Filter, lo0: u32, hi0: u32, abs: vec2<u32>, rel: u32, strict: bool) -> Narrowed {
  var lo = lo0;
  var hi = hi0;
  var goal = abs;
  var first = true;
  loop {
    if (!first && lo == hi) { break; }
    let w = hi - lo;
    let sh = select(0u, 28u - countLeadingZeros(w), w >= 16u); // (hi − lo) >> sh < 16
    let bmax = w >> sh;
    let sums = scan16(r, f, lo, sh, bmax);
    if (first) {
      first = false;
      goal = add64(abs, frac_of(sums[0], rel, !strict));
      if (!meets(sums[0], goal, strict)) { return Narrowed(lo, false, goal); }
    }
    var pick = 0u;
    for (var b = 1u; b <= bmax; b++) {
      if (meets(sums[b], goal, strict)) { pick = b; }
    }
    if (pick < bmax) { hi = lo + ((pick + 1u) << sh) - 1u; }
    lo = lo + (pick << sh);
  }
  return Narrowed(lo, true, goal);
}

// The ties at key t inside prefix (bt, bc): a = (count, first id, last id, –), b.xy = the sum of
// 1 or the weight over the keys above t, b.w their count.
fn tie_pass(r: Row, bt: u32, bc: u32, t: u32, mass: bool) -> array<vec4<u32>, 2> {
  var a = vec4<u32>(0u, NONE, 0u, 0u);
  var above = vec2<u32>(0u);
  var n_above = 0u;
  let n = n_elems(r);
  for (var i = lid; i < n; i += WG) {
    let e = elem(r, i);
    if (!in_prefix(e.key, e.j, bt, bc) || e.key < t) { continue; }
    if (e.key == t) {
      a = vec4<u32>(a.x + 1u, min(a.y, e.j), max(a.z, e.j), 0u);
    } else {
      var v = 1.0;
      if (mass) { v = weight(r, e.x); }
      above = add64(above, fixed(r, v));
      n_above++;
    }
  }
  return reduce8(R_TIE, a, vec4<u32>(above, 0u, n_above));
}

// Copy the n ≤ LIST_CAP candidates of prefix (bt, bc) from the row into the list.
fn compact(r: Row, bt: u32, bc: u32) {
  if (lid == 0u) { atomicStore(&list_fill, 0u); }
  workgroupBarrier();
  for (var j = lid; j < u.vocab; j += WG) {
    let key = key_of(logits[r.start + j]);
    if (in_prefix(key, j, bt, bc)) {
      let slot = atomicAdd(&list_fill, 1u);
      if (slot < LIST_CAP) {
        list_key[slot] = key;
        list_id[slot] = j;
      }
    }
  }
  workgroupBarrier();
}

// count: how many candidates the prefix holds (not set when whole).
struct Found { t: u32, id: u32, whole: bool, count: u32 }

// The shortest prefix of prefix (bt, bc) meeting `kind`: its last element (key t, id) in the
// ranking; whole = the condition needs all of (bt, bc) (top-k with k ≥ its size). One loop around
// one narrow() call: call sites are inlined, and SwiftShader's compile time grows with the code.
fn find_prefix(r: Row, bt: u32, bc: u32, kind: u32, abs0: vec2<u32>, rel0: u32) -> Found {
  let mass = kind != K_TOPK;
  let strict = kind == K_DRAW;
  var f = Filter(bt, bc, 0u, 0u, u32(mass));
  var lo = bt;
  var hi = r.best_key;
  var abs = abs0;
  var rel = rel0;
  var t = 0u;
  var count = 0u;
  loop {
    let nr = narrow(r, f, lo, hi, abs, rel, strict && f.by_id == 0u);
    if (f.by_id != 0u) { return Found(t, nr.s, false, count); } // the jn-th tied id
    // only top-k can ask for more than there is: ⌈topP·m⌉ ≤ m and ⌊u·m⌋ < m
    if (!nr.ok) { return Found(bt, bc, true, 0u); }
    t = nr.s;
    let tie = tie_pass(r, bt, bc, t, mass);
    let nt = tie[0].x;
    let above = tie[1].xy;
    // The ties weigh the same (w): the prefix needs the smallest jn with above + jn·w meeting
    // the goal. An f32 estimate, then exact steps.
    let w = fixed(r, select(1.0, weight(r, val_of(t)), mass));
    let est = f32_of(sub64(nr.goal, above)) / f32_of(w);
    var jn = u32(clamp(select(ceil(est), floor(est) + 1.0, strict), 1.0, f32(nt)));
    for (var i = 0u; i < 4u; i++) {
      if (jn > 1u && meets(add64(above, mul64(w, jn - 1u)), nr.goal, strict)) { jn--; }
      else if (jn < nt && !meets(add64(above, mul64(w, jn)), nr.goal, strict)) { jn++; }
    }
    count = tie[1].w + jn;
    if (jn == 1u) { return Found(t, tie[0].y, false, count); }
    if (jn == nt) { return Found(t, tie[0].z, false, count); }
    // the jn-th smallest tied id = the largest id s with count(tied ids ≥ s) ≥ nt − jn + 1
    f = Filter(bt, bc, t, 1u, 0u);
    lo = tie[0].y;
    hi = tie[0].z;
    abs = fixed(r, 1.0) * (nt - jn + 1u); // counts ≤ V: no carry into hi
    rel = 0u;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  lid = li;
  let row = wg.x;
  let o = row * RECORD_WORDS;
  let frac_bits = 32u + countLeadingZeros(u.vocab); // F = 64 − bitlen(V): V·2^F < 2^64
  var r = Row(u.elem_offset + row * u.vocab, 0u, 0.0, 1.0 / u.temperature, ldexp(1.0, i32(frac_bits) - 32), NONE);

  let st = stats_pass(r);
  if (st.x != NONE || st.y <= KEY_NEG_INF) {
    if (lid == 0u) {
      var nan_bits = 0x7fc00000u; // NaN built at run time (a const-expression may not be NaN)
      out[o] = bitcast<u32>(-1i);
      out[o + 1u] = nan_bits;
      out[o + 2u] = nan_bits;
      out[o + 3u] = select(ST_NO_FINITE, st.x, st.x != NONE);
    }
    return;
  }
  r.best_key = st.y;
  r.max_val = val_of(st.y);
  let es = entropy_pass(r, st.z);

  var id = st.z;
  var key = st.y;
  if (u.temperature > 0.0 && u.top_k != 1u) {
    var bt = KEY_NEG_INF; // the kept prefix: every finite entry
    var bc = 0u;
    // top-k, top-p, then the draw, each the shortest prefix of the one before (one call site)
    for (var kind = K_TOPK; kind <= K_DRAW; kind++) {
      if (kind == K_TOPK && (u.top_k == 0u || u.top_k >= u.vocab)) { continue; }
      if (kind == K_TOPP && u.top_p == 0u) { continue; }
      var abs = vec2<u32>(0u);
      var rel = u.top_p;
      if (kind == K_TOPK) { abs = fixed(r, 1.0) * u.top_k; rel = 0u; }
      if (kind == K_DRAW) { rel = draws[row]; }
      let p = find_prefix(r, bt, bc, kind, abs, rel);
      if (kind == K_DRAW) {
        id = p.id;
        key = p.t;
      } else if (!p.whole) {
        bt = p.t;
        bc = p.id + 1u;
        if (r.n_list == NONE && p.count <= LIST_CAP) {
          compact(r, bt, bc);
          r.n_list = p.count;
        }
      }
    }
  }

  if (lid == 0u) {
    let l1p = log1p_pos(es.x);
    out[o] = id;
    out[o + 1u] = bitcast<u32>(max(l1p + es.y / (1.0 + es.x), 0.0));
    out[o + 2u] = bitcast<u32>((val_of(key) - r.max_val) - l1p);
    out[o + 3u] = 0u;
  }
}
