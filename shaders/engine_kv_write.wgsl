// Writes the k and v rows of new tokens into one layer's block of the KV cache:
//   kv[kvOff + (0·R + row)·KVD + c] = k[kOff + r·kStride + c]
//   kv[kvOff + (1·R + row)·KVD + c] = v[vOff + r·vStride + c]
// where row = ownBase + pos − prefixLen is the cache row of the token's own position (see
// engine_attention_cached.wgsl). A layer's block is [2, R, KVD] (R cache rows, KVD = NKV·HD);
// kvOff places it (one buffer for all layers, or one per layer). k and v are rows with their own
// offsets and strides: the toy's packed qkv [N, 3C] is k at C, v at 2C, both stride 3C.
// Row info: rows[r] = (pos, ownBase, prefixBase, prefixLen).
// CPU reference: none needed (a copy); covered by cached-vs-uncached tests against src/engine/cpu.
//
// @group(0) @binding(0) read        k     [N,KVD] rows at kOff, row stride kStride
// @group(0) @binding(1) read        v     [N,KVD] rows at vOff, row stride vStride
// @group(0) @binding(2) read        rows  [N,4] i32
// @group(0) @binding(3) read_write  kv    [2,R,KVD] at kvOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (row, channel); dispatch grid(N·KVD, WG).

struct U { N: u32, KVD: u32, R: u32, kOff: u32, kStride: u32, vOff: u32, vStride: u32, kvOff: u32 }

@group(0) @binding(0) var<storage, read> k: array<f32>;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read> rows: array<vec4<i32>>;
@group(0) @binding(3) var<storage, read_write> kv: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.N * u.KVD) { return; }
  let r = i / u.KVD;
  let c = i % u.KVD;
  let info = rows[r];
  let row = u32(info.y + info.x - info.w);
  kv[u.kvOff + row * u.KVD + c] = k[u.kOff + r * u.kStride + c];
  kv[u.kvOff + (u.R + row) * u.KVD + c] = v[u.vOff + r * u.vStride + c];
}
