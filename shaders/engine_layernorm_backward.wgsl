// LayerNorm backward, two entry points sharing one binding block:
//   dinp:   dinp[r, c] (= or += when accumulate = 1, the residual stream's fan-out join)
//             = (dnorm − mean_c(dnorm) − norm · mean_c(dnorm · norm)) · rstd,  dnorm = w · dout
//   dparams: grads[dwOff + c] += Σ_r norm[r, c] · dout[r, c];  grads[dbOff + c] += Σ_r dout[r, c]
// with norm = (inp − mean) · rstd recomputed from the saved statistics.
// CPU reference: src/engine/cpu/layers/layernorm.ts layernormBackward (+ residual.ts fanOutBackward).
//
// @group(0) @binding(0) read_write  dinp    [N,C] at dinpOff           (entry dinp)
// @group(0) @binding(1) read_write  grads   flat gradients; dweight at dwOff, dbias at dbOff  (entry dparams)
// @group(0) @binding(2) read        params  flat parameters; weight at wOff   (entry dinp)
// @group(0) @binding(3) read        dout    [N,C] at doutOff
// @group(0) @binding(4) read        inp     [N,C] at inpOff
// @group(0) @binding(5) read        mean    [N] at statOff
// @group(0) @binding(6) read        rstd    [N] at statOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads; dinp: one per row, dispatch grid(N, WG); dparams: one per channel, grid(C, WG).

struct U { N: u32, C: u32, wOff: u32, dwOff: u32, dbOff: u32, dinpOff: u32, doutOff: u32, inpOff: u32, statOff: u32, accumulate: u32 }

@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<f32>;
@group(0) @binding(3) var<storage, read> dout: array<f32>;
@group(0) @binding(4) var<storage, read> inp: array<f32>;
@group(0) @binding(5) var<storage, read> mean: array<f32>;
@group(0) @binding(6) var<storage, read> rstd: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn dinp_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= u.N) { return; }
  let x = u.inpOff + r * u.C;
  let d = u.doutOff + r * u.C;
  let m = mean[u.statOff + r];
  let s = rstd[u.statOff + r];
  var dnormMean = 0.0;
  var dnormNormMean = 0.0;
  for (var i = 0u; i < u.C; i++) {
    let norm = (inp[x + i] - m) * s;
    let dnorm = params[u.wOff + i] * dout[d + i];
    dnormMean += dnorm;
    dnormNormMean += dnorm * norm;
  }
  dnormMean /= f32(u.C);
  dnormNormMean /= f32(u.C);
  let o = u.dinpOff + r * u.C;
  for (var i = 0u; i < u.C; i++) {
    let norm = (inp[x + i] - m) * s;
    let dnorm = params[u.wOff + i] * dout[d + i];
    let g = (dnorm - dnormMean - norm * dnormNormMean) * s;
    if (u.accumulate == 1u) { dinp[o + i] += g; } else { dinp[o + i] = g; }
  }
}

@compute @workgroup_size(WG)
fn dparams_main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= u.C) { return; }
  var dw = 0.0;
  var db = 0.0;
  for (var r = 0u; r < u.N; r++) {
    let norm = (inp[u.inpOff + r * u.C + c] - mean[u.statOff + r]) * rstd[u.statOff + r];
    let g = dout[u.doutOff + r * u.C + c];
    dw += norm * g;
    db += g;
  }
  grads[u.dwOff + c] += dw;
  grads[u.dbOff + c] += db;
}
