// LayerNorm forward over the last axis (biased variance, eps from the uniform), saving mean/rstd:
//   out[r, c] = (inp[r, c] − mean[r]) · rstd[r] · w[c] + b[c]
// CPU reference: src/engine/cpu/layers/layernorm.ts layernormForward.
//
// @group(0) @binding(0) read        params  flat parameters; weight at wOff [C], bias at bOff [C]
// @group(0) @binding(1) read        inp     [N,C] at inpOff
// @group(0) @binding(2) read_write  outp    [N,C] at outOff
// @group(0) @binding(3) read_write  mean    [N] at statOff
// @group(0) @binding(4) read_write  rstd    [N] at statOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per row (C is small); dispatch grid(N, WG).

struct U { N: u32, C: u32, wOff: u32, bOff: u32, inpOff: u32, outOff: u32, statOff: u32, eps: f32 }

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;
@group(0) @binding(3) var<storage, read_write> mean: array<f32>;
@group(0) @binding(4) var<storage, read_write> rstd: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= u.N) { return; }
  let x = u.inpOff + r * u.C;
  var m = 0.0;
  for (var i = 0u; i < u.C; i++) { m += inp[x + i]; }
  m /= f32(u.C);
  var v = 0.0;
  for (var i = 0u; i < u.C; i++) { let d = inp[x + i] - m; v += d * d; }
  v /= f32(u.C);
  let s = inverseSqrt(v + u.eps);
  let o = u.outOff + r * u.C;
  for (var i = 0u; i < u.C; i++) {
    outp[o + i] = (inp[x + i] - m) * s * params[u.wOff + i] + params[u.bOff + i];
  }
  mean[u.statOff + r] = m;
  rstd[u.statOff + r] = s;
}
