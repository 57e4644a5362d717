// GELU, tanh approximation (GPT-2 "gelu_new"), forward and backward:
//   forward:  outp[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
//   backward: dinp[i] = gelu'(x) · dout[i]   (overwritten)
// tanh's argument is clamped to ±15 (tanh = ±1 in f32 there) so no implementation overflows exp.
// CPU reference: src/engine/cpu/layers/gelu.ts geluForward / geluBackward.
//
// @group(0) @binding(0) read        inp   [N] at inpOff
// @group(0) @binding(1) read_write  outp  [N] at outOff   (forward: the activation; backward: dinp)
// @group(0) @binding(2) read        dout  [N] at doutOff  (backward only)
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per element; dispatch grid(N, WG).

struct U { N: u32, inpOff: u32, outOff: u32, doutOff: u32 }

@group(0) @binding(0) var<storage, read> inp: array<f32>;
@group(0) @binding(1) var<storage, read_write> outp: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

const GELU_SCALE: f32 = 0.7978845608028654; // √(2/π)
const GELU_CUBE: f32 = 0.044715;

fn tanhClamped(x: f32) -> f32 { return tanh(clamp(x, -15.0, 15.0)); }

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.N) { return; }
  let x = inp[u.inpOff + i];
  outp[u.outOff + i] = 0.5 * x * (1.0 + tanhClamped(GELU_SCALE * (x + GELU_CUBE * x * x * x)));
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.N) { return; }
  let x = inp[u.inpOff + i];
  let th = tanhClamped(GELU_SCALE * (x + GELU_CUBE * x * x * x));
  let sech2 = 1.0 - th * th;
  let local = 0.5 * (1.0 + th) + 0.5 * x * sech2 * GELU_SCALE * (1.0 + 3.0 * GELU_CUBE * x * x);
  outp[u.outOff + i] = local * dout[u.doutOff + i];
}
