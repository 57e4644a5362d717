// Token (+ position) embedding: out[r, c] = wte[tokens[r], c] (+ wpe[positions[r], c] when hasWpe = 1).
// wte may be a hub weight kept at file precision: it is read as words and decoded by the override WDT
// (0 f32, 1 f16, 2 bf16; engine_weight_decode.wgsl, concatenated after this file), and wteOff counts
// its elements. wpe is f32 (the toy GPT keeps both in its flat params; the Llama family has no wpe).
// Positions come in as a buffer (not r mod T) so KV-cache decoding reuses the kernel.
// CPU reference: src/engine/cpu/layers/encoder.ts encoderForward (with wpe), tokenEmbeddingForward (without).
//
// @group(0) @binding(0) read        wte        [V,C] at wteOff, u32 words (flat params, or a hub weight)
// @group(0) @binding(1) read        wpe        [maxT,C] at wpeOff, f32 (any read buffer when hasWpe = 0)
// @group(0) @binding(2) read        tokens     [N] i32 (N = B·T rows)
// @group(0) @binding(3) read        positions  [N] i32 (any read buffer when hasWpe = 0)
// @group(0) @binding(4) read_write  outp       [N,C] at outOff
// @group(1) @binding(0) uniform     u          sizes, element offsets, hasWpe
// Workgroup: WG threads, one per element; dispatch grid(N·C, WG) (x, then y rows of x·WG).

struct U { N: u32, C: u32, wteOff: u32, wpeOff: u32, outOff: u32, hasWpe: u32 }

@group(0) @binding(0) var<storage, read> wte: array<u32>;
@group(0) @binding(1) var<storage, read> wpe: array<f32>;
@group(0) @binding(2) var<storage, read> tokens: array<i32>;
@group(0) @binding(3) var<storage, read> positions: array<i32>;
@group(0) @binding(4) var<storage, read_write> outp: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;
override WDT: u32 = 0u; // wte's element type: 0 f32, 1 f16, 2 bf16

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.N * u.C) { return; }
  let r = i / u.C;
  let c = i % u.C;
  let e = u.wteOff + u32(tokens[r]) * u.C + c;
  var v = decodeWeight(wte[weightWord(e, WDT)], e, WDT);
  if (u.hasWpe == 1u) { v += wpe[u.wpeOff + u32(positions[r]) * u.C + c]; }
  outp[u.outOff + i] = v;
}
