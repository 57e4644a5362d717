// Causal grouped-query self-attention forward (training: B sequences of T positions), saving the
// softmax for backward. NH query heads of size HD, NKV kv heads, head h reads kv head h / (NH/NKV);
// q, k, v are rows with their own offsets and row strides (the toy's packed qkv [B,T,3C] is q at 0,
// k at C, v at 2C, all stride 3C, NKV = NH, HD = C/NH); scale = 1/√HD from the runner:
//   att[b,h,t,t2] = softmax_{t2 ≤ t}(scale · q[b,t,h] · k[b,t2,kvh]), 0 for t2 > t
//   outp[b,t,h·HD + i] = Σ_{t2 ≤ t} att[b,h,t,t2] · v[b,t2,kvh·HD + i]
// CPU reference: src/engine/cpu/layers/attention.ts gqaAttentionForward (attentionForward for the toy).
//
// @group(0) @binding(0) read        q     [B·T, NH·HD] rows at qOff, row stride qStride
// @group(0) @binding(1) read        k     [B·T, NKV·HD] rows at kOff, row stride kStride
// @group(0) @binding(2) read        v     [B·T, NKV·HD] rows at vOff, row stride vStride
// @group(0) @binding(3) read_write  outp  [B,T,NH·HD] at outOff
// @group(0) @binding(4) read_write  att   [B,NH,T,T] at attOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (b, h, t); dispatch grid(B·NH·T, WG).

struct U {
  B: u32, T: u32, NH: u32, NKV: u32, HD: u32, qOff: u32, qStride: u32, kOff: u32, kStride: u32, vOff: u32, vStride: u32,
  outOff: u32, attOff: u32, scale: f32,
}

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> outp: array<f32>;
@group(0) @binding(4) var<storage, read_write> att: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.B * u.NH * u.T) { return; }
  let t = idx % u.T;
  let h = (idx / u.T) % u.NH;
  let b = idx / (u.T * u.NH);
  let kvh = h / (u.NH / u.NKV);
  let qa = u.qOff + (b * u.T + t) * u.qStride + h * u.HD;
  let row = u.attOff + ((b * u.NH + h) * u.T + t) * u.T;
  var maxval = -3.0e38;
  for (var t2 = 0u; t2 <= t; t2++) {
    let ka = u.kOff + (b * u.T + t2) * u.kStride + kvh * u.HD;
    var dot = 0.0;
    for (var i = 0u; i < u.HD; i++) { dot += q[qa + i] * k[ka + i]; }
    dot *= u.scale;
    att[row + t2] = dot;
    maxval = max(maxval, dot);
  }
  var sum = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    let e = exp(att[row + t2] - maxval);
    att[row + t2] = e;
    sum += e;
  }
  let inv = 1.0 / sum;
  for (var t2 = 0u; t2 < u.T; t2++) {
    if (t2 <= t) { att[row + t2] *= inv; } else { att[row + t2] = 0.0; }
  }
  let o = u.outOff + (b * u.T + t) * u.NH * u.HD + h * u.HD;
  for (var i = 0u; i < u.HD; i++) {
    var acc = 0.0;
    for (var t2 = 0u; t2 <= t; t2++) {
      acc += att[row + t2] * v[u.vOff + (b * u.T + t2) * u.vStride + kvh * u.HD + i];
    }
    outp[o + i] = acc;
  }
}
