// Causal multi-head self-attention forward on packed qkv rows [q (C) | k (C) | v (C)], head h
// using the HS-slice h·HS … (h+1)·HS of each; saves the softmax for backward:
//   att[b,h,t,t2] = softmax_{t2 ≤ t}(scale · q[b,t,h] · k[b,t2,h]), 0 for t2 > t
//   outp[b,t,h·HS + i] = Σ_{t2 ≤ t} att[b,h,t,t2] · v[b,t2,h·HS + i]
// CPU reference: src/engine/cpu/layers/attention.ts attentionForward.
//
// @group(0) @binding(0) read        qkv   [B,T,3C] at qkvOff
// @group(0) @binding(1) read_write  outp  [B,T,C] at outOff
// @group(0) @binding(2) read_write  att   [B,NH,T,T] at attOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (b, h, t); dispatch grid(B·NH·T, WG).

struct U { B: u32, T: u32, C: u32, NH: u32, qkvOff: u32, outOff: u32, attOff: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read_write> outp: array<f32>;
@group(0) @binding(2) var<storage, read_write> att: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.B * u.NH * u.T) { return; }
  let t = idx % u.T;
  let h = (idx / u.T) % u.NH;
  let b = idx / (u.T * u.NH);
  let C3 = 3u * u.C;
  let HS = u.C / u.NH;
  let q = u.qkvOff + (b * u.T + t) * C3 + h * HS;
  let row = u.attOff + ((b * u.NH + h) * u.T + t) * u.T;
  var maxval = -3.0e38;
  for (var t2 = 0u; t2 <= t; t2++) {
    let k = u.qkvOff + (b * u.T + t2) * C3 + h * HS + u.C;
    var dot = 0.0;
    for (var i = 0u; i < HS; i++) { dot += qkv[q + i] * qkv[k + i]; }
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
  let o = u.outOff + (b * u.T + t) * u.C + h * HS;
  for (var i = 0u; i < HS; i++) {
    var acc = 0.0;
    for (var t2 = 0u; t2 <= t; t2++) {
      acc += att[row + t2] * qkv[u.qkvOff + (b * u.T + t2) * C3 + h * HS + 2u * u.C + i];
    }
    outp[o + i] = acc;
  }
}
