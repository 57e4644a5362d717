// SwiGLU gating of the Llama MLP (transformers' LlamaMLP, act silu):
//   outp[n, i] = silu(gate[n, i]) · up[n, i],  silu(g) = g · σ(g)
// σ is evaluated as e/(1+e) or 1/(1+e) with e = exp(−|g|), so exp never overflows.
// gate and up are rows of width I with their own offsets and row strides (the two halves of a
// fused [N, 2I] projection, or separate tensors); they may share a buffer.
// CPU reference: src/engine/cpu/layers/swiglu.ts swigluForward.
//
// @group(0) @binding(0) read        gate  [N,I] rows at gateOff, row stride gateStride
// @group(0) @binding(1) read        up    [N,I] rows at upOff, row stride upStride
// @group(0) @binding(2) read_write  outp  [N,I] rows at outOff, row stride outStride
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (n, i); dispatch grid(N·I, WG).

struct U { N: u32, I: u32, gateOff: u32, gateStride: u32, upOff: u32, upStride: u32, outOff: u32, outStride: u32 }

@group(0) @binding(0) var<storage, read> gate: array<f32>;
@group(0) @binding(1) var<storage, read> up: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

fn sigmoid(g: f32) -> f32 {
  let e = exp(-abs(g));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), g >= 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.N * u.I) { return; }
  let n = idx / u.I;
  let i = idx % u.I;
  let g = gate[u.gateOff + n * u.gateStride + i];
  outp[u.outOff + n * u.outStride + i] = g * sigmoid(g) * up[u.upOff + n * u.upStride + i];
}
