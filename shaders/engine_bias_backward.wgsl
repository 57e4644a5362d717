// Bias gradient of a linear layer: grads[gOff + o] += Σ_r dout[doutOff + r·OC + o].
// CPU reference: src/engine/cpu/layers/matmul.ts matmulBackward (dbias).
//
// @group(0) @binding(0) read_write  grads  flat gradients; dbias at gOff [OC]
// @group(0) @binding(1) read        dout   [N,OC] at doutOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per output channel; dispatch grid(OC, WG).

struct U { N: u32, OC: u32, gOff: u32, doutOff: u32 }

@group(0) @binding(0) var<storage, read_write> grads: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x;
  if (o >= u.OC) { return; }
  var acc = 0.0;
  for (var r = 0u; r < u.N; r++) { acc += dout[u.doutOff + r * u.OC + o]; }
  grads[u.gOff + o] += acc;
}
