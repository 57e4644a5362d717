// Writes the k and v parts of new qkv rows into the KV cache of one layer:
//   kv[layer, 0, slot[r], pos[r], c] = qkv[r, C + c],  kv[layer, 1, slot[r], pos[r], c] = qkv[r, 2C + c]
// Cache layout: kv [L, 2, S, maxT, C] (S sequence slots). Row info: rows[r] = (pos, slot, prefixSlot, prefixLen).
// CPU reference: none needed (a copy); covered by cached-vs-uncached tests against src/engine/cpu.
//
// @group(0) @binding(0) read        qkv   [N,3C] at qkvOff
// @group(0) @binding(1) read        rows  [N,4] i32
// @group(0) @binding(2) read_write  kv    [L,2,S,maxT,C]
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (row, channel); dispatch grid(N·C, WG).

struct U { N: u32, C: u32, S: u32, maxT: u32, layer: u32, qkvOff: u32 }

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
  let pos = u32(info.x);
  let slot = u32(info.y);
  let kOff = (((u.layer * 2u) * u.S + slot) * u.maxT + pos) * u.C + c;
  let vOff = (((u.layer * 2u + 1u) * u.S + slot) * u.maxT + pos) * u.C + c;
  let q = u.qkvOff + r * 3u * u.C;
  kv[kOff] = qkv[q + u.C + c];
  kv[vOff] = qkv[q + 2u * u.C + c];
}
