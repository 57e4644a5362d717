// logits_topk_stream.wgsl — the per-thread streaming pass of logits_topk.wgsl (concatenated after
// it at load; the bindings, constants and workgroup arrays are declared there): each thread reads
// its columns once, keeping an online softmax triple (m, s, t: logits_topk.wgsl), the count of
// columns ahead of the chosen token, NaN / +inf flags and a sorted private list of its k best.

// Per-invocation state of the streaming pass.
var<private> top_v: array<f32, MAX_K>; // this thread's k best, in order
var<private> top_i: array<u32, MAX_K>;
var<private> thr_v: f32; // = top_v[k − 1], top_i[k − 1]: the bar to enter the list, kept in registers
var<private> thr_i: u32;
var<private> acc_m: f32;
var<private> acc_s: f32;
var<private> acc_t: f32; // Σ exp(x − m)·(x − m): the entropy's sum, relative to m
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
    // re-centre on x: t moves by s·(m − x), then both rescale; x itself adds 1 to s and 0 to t
    let d = acc_m - x;
    let k = exp(d);
    acc_t = (acc_t + acc_s * d) * k;
    acc_s = acc_s * k + 1.0;
    acc_m = x;
  } else {
    let d = x - acc_m;
    let e = exp(d);
    acc_s = acc_s + e;
    acc_t = acc_t + e * d;
  }
  ahead = ahead + select(0u, 1u, before(x, j, chosen_v, chosen_i));
  insert(x, j);
}

// Four values of ascending ids: one rescale, four exps, and the list touched only when one of
// them clears the bar.
fn push4(v: vec4<f32>, ids: vec4<u32>) {
  let mx = max(max(v.x, v.y), max(v.z, v.w));
  if (mx > acc_m) {
    let d = acc_m - mx;
    let k = exp(d);
    acc_t = (acc_t + acc_s * d) * k;
    acc_s = acc_s * k;
    acc_m = mx;
  }
  let d4 = v - vec4<f32>(acc_m);
  let e4 = exp(d4);
  acc_s = acc_s + dot(e4, vec4<f32>(1.0));
  acc_t = acc_t + dot(e4, d4);
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
  kk = u.k;
  for (var i = 0u; i < MAX_K; i = i + 1u) {
    top_v[i] = NONE_V;
    top_i[i] = NONE_I;
  }
  thr_v = NONE_V;
  thr_i = NONE_I;
  acc_m = NEG_BIG;
  acc_s = 0.0;
  acc_t = 0.0;
  ahead = 0u;
  flags = 0u;
  chosen_v = NONE_V;
  chosen_i = NONE_I;
  if (u.has_chosen != 0u) {
    let c = chosen[u.chosen_row + row];
    if (c >= 0 && u32(c) < u.vocab) {
      chosen_i = u32(c);
      let i = u.elem_offset + row * u.vocab + chosen_i;
      if (is_f16) { chosen_v = f16_at(i); } else { chosen_v = load_f32(logits[i]); }
    }
  }
}
