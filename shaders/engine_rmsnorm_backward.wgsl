// RMSNorm backward over rows of width D (rows addressed as in engine_rmsnorm.wgsl), entries:
//   dinp:    dinp[r, i] (= or += when accumulate = 1: the residual stream's fan-out join)
//              = rstd[r] · (w[i]·dout[r, i] − x[r, i] · rstd[r]² · Σ_j dout[r, j]·w[j]·x[r, j] / D)
//   dweight: dweight[i] += Σ_r dout[r, i] · x[r, i] · rstd[r]   (over all N·H rows)
// CPU reference: src/engine/cpu/layers/rmsnorm.ts rmsnormBackward.
//
// dinp_rows (software adapters: one thread per row) and dinp_wg (hardware: one workgroup per row,
// a workgroup-memory reduction) compute the same dinp; dweight_main is one thread per column.
//
// @group(0) @binding(0) read_write  dinp     rows at dinpOff, row stride dinpStride  (dinp_*)
// @group(0) @binding(1) read_write  dweight  [D] at dwOff                             (dweight_main)
// @group(0) @binding(2) read        weight   [D] f32 at wOff                          (dinp_*)
// @group(0) @binding(3) read        dout     rows at doutOff, row stride doutStride
// @group(0) @binding(4) read        inp      rows at inpOff, row stride inpStride (the forward's input)
// @group(0) @binding(5) read        rstd     [N·H] at rstdOff (saved by the forward)
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads (a power of two); dinp_rows: grid(N·H, WG); dinp_wg: one workgroup per row,
// grid(N·H, 1); dweight_main: grid(D, WG).

struct U {
  N: u32, H: u32, D: u32, dinpOff: u32, dinpStride: u32, doutOff: u32, doutStride: u32, inpOff: u32, inpStride: u32,
  wOff: u32, dwOff: u32, rstdOff: u32, accumulate: u32,
}

@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> dout: array<f32>;
@group(0) @binding(4) var<storage, read> inp: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

var<workgroup> partial: array<f32, WG>;

fn rowAt(r: u32, off: u32, stride: u32) -> u32 {
  return off + (r / u.H) * stride + (r % u.H) * u.D;
}

fn writeDinp(at: u32, v: f32) {
  if (u.accumulate != 0u) { dinp[at] += v; } else { dinp[at] = v; }
}

@compute @workgroup_size(WG)
fn dinp_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= u.N * u.H) { return; }
  let x = rowAt(r, u.inpOff, u.inpStride);
  let d = rowAt(r, u.doutOff, u.doutStride);
  var dot = 0.0;
  for (var i = 0u; i < u.D; i++) { dot += dout[d + i] * weight[u.wOff + i] * inp[x + i]; }
  let s = rstd[u.rstdOff + r];
  let k = s * s * dot / f32(u.D);
  let o = rowAt(r, u.dinpOff, u.dinpStride);
  for (var i = 0u; i < u.D; i++) { writeDinp(o + i, s * (weight[u.wOff + i] * dout[d + i] - inp[x + i] * k)); }
}

@compute @workgroup_size(WG)
fn dinp_wg(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let r = wid.x + wid.y * nwg.x;
  if (r >= u.N * u.H) { return; }
  let x = rowAt(r, u.inpOff, u.inpStride);
  let d = rowAt(r, u.doutOff, u.doutStride);
  var dot = 0.0;
  for (var i = t; i < u.D; i += WG) { dot += dout[d + i] * weight[u.wOff + i] * inp[x + i]; }
  partial[t] = dot;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) { partial[t] += partial[t + s]; }
    workgroupBarrier();
  }
  let s = rstd[u.rstdOff + r];
  let k = s * s * partial[0] / f32(u.D);
  let o = rowAt(r, u.dinpOff, u.dinpStride);
  for (var i = t; i < u.D; i += WG) { writeDinp(o + i, s * (weight[u.wOff + i] * dout[d + i] - inp[x + i] * k)); }
}

@compute @workgroup_size(WG)
fn dweight_main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= u.D) { return; }
  var acc = 0.0;
  for (var r = 0u; r < u.N * u.H; r++) {
    acc += dout[rowAt(r, u.doutOff, u.doutStride) + i] * inp[rowAt(r, u.inpOff, u.inpStride) + i] * rstd[u.rstdOff + r];
  }
  dweight[u.dwOff + i] += acc;
}
