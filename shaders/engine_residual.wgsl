// Residual add: outp[i] = inp1[i] + inp2[i]. Its backward is the identity on both inputs, so the
// engine passes the same gradient buffer on instead of copying (see src/engine/gpu/model.ts).
// CPU reference: src/engine/cpu/layers/residual.ts residualForward.
//
// @group(0) @binding(0) read        inp1  [N] at off1
// @group(0) @binding(1) read        inp2  [N] at off2
// @group(0) @binding(2) read_write  outp  [N] at outOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per element; dispatch grid(N, WG).

struct U { N: u32, off1: u32, off2: u32, outOff: u32 }

@group(0) @binding(0) var<storage, read> inp1: array<f32>;
@group(0) @binding(1) var<storage, read> inp2: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.N) { return; }
  outp[u.outOff + i] = inp1[u.off1 + i] + inp2[u.off2 + i];
}
