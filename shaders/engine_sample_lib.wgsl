// engine_sample_lib.wgsl — the helpers of engine_sample.wgsl, concatenated after it at load (the
// bindings, constants, workgroup arrays and struct Row are declared there): 64-bit integer sums,
// fixed point, order-preserving keys, the workgroup reductions, and the two passes every row
// takes (status / max / argmax; entropy).

// ---- 64-bit unsigned integers as vec2<u32>(hi, lo) ----

fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.y + b.y;
  return vec2<u32>(a.x + b.x + select(0u, 1u, lo < a.y), lo);
}

fn sub64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x - select(0u, 1u, a.y < b.y), a.y - b.y);
}

fn ge64(a: vec2<u32>, b: vec2<u32>) -> bool {
  return a.x > b.x || (a.x == b.x && a.y >= b.y);
}

// a · b as (hi, lo), by 16-bit halves.
fn mul32(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let mid = p01 + a1 * b0;
  let lo = p00 + (mid << 16u);
  return vec2<u32>(a1 * b1 + (mid >> 16u) + select(0u, 0x10000u, mid < p01) + select(0u, 1u, lo < p00), lo);
}

// The low 64 bits of a · m.
fn mul64(a: vec2<u32>, m: u32) -> vec2<u32> {
  let l = mul32(a.y, m);
  return vec2<u32>(l.x + a.x * m, l.y);
}

// ⌊f · a / 2^32⌋, or the ceiling: f is a 32-bit fraction.
fn frac_of(a: vec2<u32>, f: u32, up: bool) -> vec2<u32> {
  let l = mul32(a.y, f); // a.lo · f
  let h = mul32(a.x, f); // a.hi · f, 2^32 above
  let mid = h.y + l.x;
  let q = vec2<u32>(h.x + select(0u, 1u, mid < h.y), mid);
  return select(q, add64(q, vec2<u32>(0u, 1u)), up && l.y != 0u);
}

fn f32_of(a: vec2<u32>) -> f32 {
  return f32(a.x) * 4294967296.0 + f32(a.y);
}

// v ∈ [0, 1] → ⌊v·2^F⌋: exact but for bits below 2^−F.
fn fixed(r: Row, v: f32) -> vec2<u32> {
  let s = v * r.scale;
  let hi = floor(s);
  return vec2<u32>(u32(hi), u32((s - hi) * 4294967296.0));
}

// ---- keys and weights ----

// Order-preserving: a < b as floats ⇔ key(a) < key(b); −0 counts as +0 (the CPU ranks them equal).
fn key_of(bits: u32) -> u32 {
  let b = select(bits, 0u, bits == 0x80000000u);
  return select(b | 0x80000000u, ~b, b >= 0x80000000u);
}

fn val_of(key: u32) -> f32 {
  return bitcast<f32>(select(~key, key & 0x7fffffffu, key >= 0x80000000u));
}

// The unnormalised probability after temperature (1 at the maximum).
fn weight(r: Row, x: f32) -> f32 {
  return exp((x - r.max_val) * r.inv_t);
}

fn in_prefix(key: u32, j: u32, t: u32, c: u32) -> bool {
  return key > t || (key == t && j < c);
}

// log(1 + x) for x ≥ 0, accurate for small x (the entropy of a peaked row is ~ x).
fn log1p_pos(x: f32) -> f32 {
  if (x < 0.0625) {
    return x * (1.0 - x * (1.0 / 2.0 - x * (1.0 / 3.0 - x * (1.0 / 4.0 - x * (1.0 / 5.0 - x * (1.0 / 6.0 - x * (1.0 / 7.0 - x / 8.0)))))));
  }
  let y = 1.0 + x;
  return log(y) - ((y - 1.0) - x) / y; // corrects the rounding of 1 + x
}

// ---- workgroup reductions (8 words per thread) ----

const R_STATS: u32 = 0u; // a: (min bad code, max key, its lowest id, –)
const R_SUM: u32 = 1u;   // a, b: four 64-bit sums
const R_TIE: u32 = 2u;   // a: (count, min id, max id, –), b.xy: 64-bit sum

fn combine(mode: u32, a: vec4<u32>, b: vec4<u32>, second: bool) -> vec4<u32> {
  if (mode == R_SUM || (mode == R_TIE && second)) {
    return vec4<u32>(add64(a.xy, b.xy), add64(a.zw, b.zw));
  }
  if (mode == R_TIE) {
    return vec4<u32>(a.x + b.x, min(a.y, b.y), max(a.z, b.z), 0u);
  }
  let b_first = b.y > a.y || (b.y == a.y && b.z < a.z);
  return vec4<u32>(min(a.x, b.x), select(a.y, b.y, b_first), select(a.z, b.z, b_first), 0u);
}

fn reduce8(mode: u32, a: vec4<u32>, b: vec4<u32>) -> array<vec4<u32>, 2> {
  red[2u * lid] = a;
  red[2u * lid + 1u] = b;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      red[2u * lid] = combine(mode, red[2u * lid], red[2u * (lid + s)], false);
      red[2u * lid + 1u] = combine(mode, red[2u * lid + 1u], red[2u * (lid + s) + 1u], true);
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    result[0] = red[0];
    result[1] = red[1];
  }
  return workgroupUniformLoad(&result);
}

// ---- the passes over a row ----

// Status, max key and argmax (lowest id among equal maxima) in one pass.
fn stats_pass(r: Row) -> vec4<u32> {
  var acc = vec4<u32>(NONE, 0u, NONE, 0u);
  for (var j = lid; j < u.vocab; j += WG) {
    let bits = logits[r.start + j];
    let mag = bits & 0x7fffffffu;
    if (mag >= 0x7f800000u && bits != 0xff800000u) { // NaN or +inf; the first by column wins
      acc.x = min(acc.x, (j << 2u) | select(ST_POS_INF, ST_NAN, mag > 0x7f800000u));
    }
    let key = key_of(bits);
    if (key > acc.y) { acc.y = key; acc.z = j; } // j grows per thread: the first maximum stays
  }
  return reduce8(R_STATS, acc, vec4<u32>(0u))[0];
}

// Σ_{i ≠ argmax} e^(x_i − m) and −Σ e^(x_i − m)·(x_i − m) at temperature 1 (−inf entries: 0), both
// in fixed point (every term ≤ 1), as f32.
fn entropy_pass(r: Row, best_id: u32) -> vec2<f32> {
  var s = vec2<u32>(0u);
  var t = vec2<u32>(0u);
  for (var j = lid; j < u.vocab; j += WG) {
    let bits = logits[r.start + j];
    let d = bitcast<f32>(bits) - r.max_val;
    let e = exp(d);
    let live = key_of(bits) > KEY_NEG_INF && j != best_id && e > 0.0;
    s = add64(s, select(vec2<u32>(0u), fixed(r, e), live));
    t = add64(t, select(vec2<u32>(0u), fixed(r, -e * d), live)); // e^d·|d| ≤ 1/e
  }
  let sum = reduce8(R_SUM, vec4<u32>(s, t), vec4<u32>(0u))[0];
  return vec2<f32>(f32_of(sum.xy), f32_of(sum.zw)) / (r.scale * 4294967296.0);
}
