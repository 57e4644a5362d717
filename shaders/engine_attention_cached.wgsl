// Causal attention of new rows against the KV cache (decoding, prefill and probe branches):
// row r (rows[r] = (pos, ownBase, prefixBase, prefixLen)) attends to its positions p ≤ pos, where
// position p is cache row prefixBase + p when p < prefixLen (a shared prompt / CoT, read in place)
// and ownBase + p − prefixLen otherwise (the row's own keys, written by engine_kv_write.wgsl
// before this dispatch).
//   outp[r, h·HS + i] = Σ_p softmax_p(scale · q[r,h] · k[p,h]) · v[p, h·HS + i]   (online softmax)
// CPU reference: src/engine/cpu/layers/attention.ts attentionForward on the re-encoded sequence.
//
// @group(0) @binding(0) read        qkv   [N,3C] at qkvOff (only the q part is read)
// @group(0) @binding(1) read        kv    [2,R,C] at kvOff (one layer's block)
// @group(0) @binding(2) read        rows  [N,4] i32
// @group(0) @binding(3) read_write  outp  [N,C] at outOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (row, head); HS ≤ MAX_HS; dispatch grid(N·NH, WG).

struct U { N: u32, C: u32, NH: u32, R: u32, kvOff: u32, qkvOff: u32, outOff: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read> kv: array<f32>;
@group(0) @binding(2) var<storage, read> rows: array<vec4<i32>>;
@group(0) @binding(3) var<storage, read_write> outp: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;
const MAX_HS: u32 = 128u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.N * u.NH) { return; }
  let r = idx / u.NH;
  let h = idx % u.NH;
  let HS = u.C / u.NH;
  let info = rows[r];
  let pos = u32(info.x);
  let q = u.qkvOff + r * 3u * u.C + h * HS;
  var acc: array<f32, MAX_HS>;
  for (var i = 0u; i < HS; i++) { acc[i] = 0.0; }
  var maxval = -3.0e38;
  var sum = 0.0;
  for (var p = 0u; p <= pos; p++) {
    var row = u32(info.y) + p - u32(info.w);
    if (i32(p) < info.w) { row = u32(info.z) + p; }
    let kOff = u.kvOff + row * u.C + h * HS;
    let vOff = u.kvOff + (u.R + row) * u.C + h * HS;
    var dot = 0.0;
    for (var i = 0u; i < HS; i++) { dot += qkv[q + i] * kv[kOff + i]; }
    dot *= u.scale;
    let newMax = max(maxval, dot);
    let correction = exp(maxval - newMax);
    let w = exp(dot - newMax);
    sum = sum * correction + w;
    for (var i = 0u; i < HS; i++) { acc[i] = acc[i] * correction + w * kv[vOff + i]; }
    maxval = newMax;
  }
  let o = u.outOff + r * u.C + h * HS;
  for (var i = 0u; i < HS; i++) { outp[o + i] = acc[i] / sum; }
}
