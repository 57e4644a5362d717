// Token + position embedding: out[r, c] = wte[tokens[r], c] + wpe[positions[r], c].
// Positions come in as a buffer (not r mod T) so KV-cache decoding reuses the kernel.
// CPU reference: src/engine/cpu/layers/encoder.ts encoderForward.
//
// @group(0) @binding(0) read        params     flat parameters (config.ts layout); wte at wteOff [V,C], wpe at wpeOff [maxT,C]
// @group(0) @binding(1) read        tokens     [N] i32 (N = B·T rows)
// @group(0) @binding(2) read        positions  [N] i32
// @group(0) @binding(3) read_write  outp       [N,C] at outOff
// @group(1) @binding(0) uniform     u          sizes and element offsets
// Workgroup: WG threads, one per element; dispatch grid(N·C, WG) (x, then y rows of x·WG).

struct U { N: u32, C: u32, wteOff: u32, wpeOff: u32, outOff: u32 }

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> tokens: array<i32>;
@group(0) @binding(2) var<storage, read> positions: array<i32>;
@group(0) @binding(3) var<storage, read_write> outp: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.N * u.C) { return; }
  let r = i / u.C;
  let c = i % u.C;
  let tok = u32(tokens[r]);
  let pos = u32(positions[r]);
  outp[u.outOff + i] = params[u.wteOff + tok * u.C + c] + params[u.wpeOff + pos * u.C + c];
}
