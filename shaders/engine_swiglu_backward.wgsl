// SwiGLU backward, both gradients overwritten (one buffer `dgu` holds both, e.g. the gradient of a
// fused [N, 2I] projection; they may also be two regions of one scratch buffer):
//   dgate[n, i] = dout · up · σ(g) · (1 + g · (1 − σ(g))),   dup[n, i] = dout · g · σ(g)   (g = gate[n, i])
// CPU reference: src/engine/cpu/layers/swiglu.ts swigluBackward.
//
// @group(0) @binding(0) read        dout  [N,I] rows at doutOff, row stride doutStride
// @group(0) @binding(1) read        gate  [N,I] rows at gateOff, row stride gateStride
// @group(0) @binding(2) read        up    [N,I] rows at upOff, row stride upStride
// @group(0) @binding(3) read_write  dgu   dgate rows at dgateOff (stride dgateStride), dup rows at dupOff (stride dupStride)
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (n, i); dispatch grid(N·I, WG).

struct U {
  N: u32, I: u32, doutOff: u32, doutStride: u32, gateOff: u32, gateStride: u32, upOff: u32, upStride: u32,
  dgateOff: u32, dgateStride: u32, dupOff: u32, dupStride: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>;
@group(0) @binding(1) var<storage, read> gate: array<f32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;
@group(0) @binding(3) var<storage, read_write> dgu: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.N * u.I) { return; }
  let n = idx / u.I;
  let i = idx % u.I;
  let g = gate[u.gateOff + n * u.gateStride + i];
  let e = exp(-abs(g));
  let sig = select(e / (1.0 + e), 1.0 / (1.0 + e), g >= 0.0);
  let d = dout[u.doutOff + n * u.doutStride + i];
  dgu[u.dgateOff + n * u.dgateStride + i] = d * up[u.upOff + n * u.upStride + i] * sig * (1.0 + g * (1.0 - sig));
  dgu[u.dupOff + n * u.dupStride + i] = d * g * sig;
}
