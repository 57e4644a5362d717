// RMSNorm forward over rows of width D (transformers' LlamaRMSNorm), saving rstd:
//   rstd[r] = 1/√(mean_i(x[r, i]²) + eps),   out[r, i] = x[r, i] · rstd[r] · w[i]
// Row r = n·H + h (n < N, h < H) sits at off + n·stride + h·D: H = 1 for the hidden state, H heads
// of width D = HD for Qwen3's per-head q/k norm inside a packed qkv buffer.
// CPU reference: src/engine/cpu/layers/rmsnorm.ts rmsnormForward.
//
// Entries: rows_main (software adapters: one thread per row, no workgroup memory) and wg_main
// (hardware: one workgroup per row, a workgroup-memory reduction), reading inp and writing outp;
// rows_in_place / wg_in_place read x at inpOff from outp itself (same buffer, same rows: each row
// is read before it is written by the same invocation(s)).
//
// @group(0) @binding(0) read        inp     rows at inpOff, row stride inpStride  (not in *_in_place)
// @group(0) @binding(1) read_write  outp    rows at outOff, row stride outStride
// @group(0) @binding(2) read        weight  [D] f32 at wOff
// @group(0) @binding(3) read_write  rstd    [N·H] at rstdOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads (a power of two). rows_*: dispatch grid(N·H, WG); wg_*: one workgroup per
// row, dispatch grid(N·H, 1) (x, y split), WG = 64 or 256.

struct U { N: u32, H: u32, D: u32, inpOff: u32, inpStride: u32, outOff: u32, outStride: u32, wOff: u32, rstdOff: u32, eps: f32 }

@group(0) @binding(0) var<storage, read> inp: array<f32>;
@group(0) @binding(1) var<storage, read_write> outp: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

var<workgroup> partial: array<f32, WG>;

fn rowAt(r: u32, off: u32, stride: u32) -> u32 {
  return off + (r / u.H) * stride + (r % u.H) * u.D;
}

fn scaleOf(ss: f32) -> f32 {
  return inverseSqrt(ss / f32(u.D) + u.eps);
}

/** Sums partial[0..WG) into partial[0] (all invocations of the workgroup call it). */
fn reduceWorkgroup(t: u32, v: f32) -> f32 {
  partial[t] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) { partial[t] += partial[t + s]; }
    workgroupBarrier();
  }
  return partial[0];
}

@compute @workgroup_size(WG)
fn rows_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= u.N * u.H) { return; }
  let x = rowAt(r, u.inpOff, u.inpStride);
  var ss = 0.0;
  for (var i = 0u; i < u.D; i++) { let v = inp[x + i]; ss += v * v; }
  let s = scaleOf(ss);
  let o = rowAt(r, u.outOff, u.outStride);
  for (var i = 0u; i < u.D; i++) { outp[o + i] = inp[x + i] * s * weight[u.wOff + i]; }
  rstd[u.rstdOff + r] = s;
}

@compute @workgroup_size(WG)
fn rows_in_place(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= u.N * u.H) { return; }
  let x = rowAt(r, u.inpOff, u.inpStride);
  var ss = 0.0;
  for (var i = 0u; i < u.D; i++) { let v = outp[x + i]; ss += v * v; }
  let s = scaleOf(ss);
  let o = rowAt(r, u.outOff, u.outStride);
  for (var i = 0u; i < u.D; i++) { outp[o + i] = outp[x + i] * s * weight[u.wOff + i]; }
  rstd[u.rstdOff + r] = s;
}

@compute @workgroup_size(WG)
fn wg_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let r = wid.x + wid.y * nwg.x;
  if (r >= u.N * u.H) { return; }
  let x = rowAt(r, u.inpOff, u.inpStride);
  var ss = 0.0;
  for (var i = t; i < u.D; i += WG) { let v = inp[x + i]; ss += v * v; }
  let s = scaleOf(reduceWorkgroup(t, ss));
  let o = rowAt(r, u.outOff, u.outStride);
  for (var i = t; i < u.D; i += WG) { outp[o + i] = inp[x + i] * s * weight[u.wOff + i]; }
  if (t == 0u) { rstd[u.rstdOff + r] = s; }
}

@compute @workgroup_size(WG)
fn wg_in_place(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let r = wid.x + wid.y * nwg.x;
  if (r >= u.N * u.H) { return; }
  let x = rowAt(r, u.inpOff, u.inpStride);
  var ss = 0.0;
  for (var i = t; i < u.D; i += WG) { let v = outp[x + i]; ss += v * v; }
  let s = scaleOf(reduceWorkgroup(t, ss));
  let o = rowAt(r, u.outOff, u.outStride);
  for (var i = t; i < u.D; i += WG) { outp[o + i] = outp[x + i] * s * weight[u.wOff + i]; }
  if (t == 0u) { rstd[u.rstdOff + r] = s; }
}
