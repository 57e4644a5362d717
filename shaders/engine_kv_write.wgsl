// Writes the k and v parts of new qkv rows into one layer's block of the KV cache:
//   kv[kvOff + row·C + c] = qkv[r, C + c],  kv[kvOff + (R + row)·C + c] = qkv[r, 2C + c]
// where row = ownBase + pos − prefixLen is the cache row of the row's own position (see
// engine_attention_cached.wgsl). Layer block layout: [2, R, C] (keys, then values; R cache rows).
// Row info: rows[r] = (pos, ownBase, prefixBase, prefixLen).
// CPU reference: none needed (a copy); covered by cached-vs-uncached tests against src/engine/cpu.
//
// @group(0) @binding(0) read        qkv   [N,3C] at qkvOff
// @group(0) @binding(1) read        rows  [N,4] i32
// @group(0) @binding(2) read_write  kv    [2,R,C] at kvOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (row, channel); dispatch grid(N·C, WG).

struct U { N: u32, C: u32, R: u32, kvOff: u32, qkvOff: u32 }

@group(0) @binding(0) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read> rows: array<vec4<i32>>;
@group(0) @binding(2) var<storage, read_write> kv: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.N * u.C) { return; }
  let r = i / u.C;
  let c = i % u.C;
  let info = rows[r];
  let row = u32(info.y + info.x - info.w);
  let q = u.qkvOff + r * 3u * u.C;
  kv[u.kvOff + row * u.C + c] = qkv[q + u.C + c];
  kv[u.kvOff + (u.R + row) * u.C + c] = qkv[q + 2u * u.C + c];
}
