// Causal grouped-query attention of new rows against the KV cache (decoding, prefill and probe
// branches): row r (rows[r] = (pos, ownBase, prefixBase, prefixLen)) attends to its positions
// p ≤ pos, where position p is cache row prefixBase + p when p < prefixLen (a shared prompt / CoT,
// read in place) and ownBase + p − prefixLen otherwise (the row's own keys, written by
// engine_kv_write.wgsl before this dispatch).
// Query head h reads kv head h / (NH/NKV); HD ≤ MAX_HD; scale = 1/√HD from the runner:
//   outp[r, h·HD + i] = Σ_p softmax_p(scale · q[r,h] · k[p,kvh]) · v[p, kvh·HD + i]   (online softmax)
// Cache block [2, R, KVD] at kvOff, KVD = NKV·HD (see engine_kv_write.wgsl).
// CPU reference: src/engine/cpu/layers/attention.ts gqaAttentionForward on the re-encoded sequence.
//
// Entries: main (software adapters: one thread per (row, head), a private accumulator of MAX_HD) and
// flash_main (hardware: one workgroup per (row, head); per tile of WG positions the threads split
// the positions for the scores, merge the tile into the running max / sum through workgroup
// memory, then split the head dims (≤ MAX_DPT each) to accumulate the weighted values).
//
// @group(0) @binding(0) read        q     [N,NH·HD] rows at qOff, row stride qStride
// @group(0) @binding(1) read        kv    [2,R,NKV·HD] at kvOff
// @group(0) @binding(2) read        rows  [N,4] i32
// @group(0) @binding(3) read_write  outp  [N,NH·HD] at outOff
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads. main: one per (row, head), dispatch grid(N·NH, WG); flash_main: one
// workgroup per (row, head), dispatch grid(N·NH, 1) (x, y split), HD ≤ MAX_DPT·WG.

struct U { N: u32, NH: u32, NKV: u32, HD: u32, R: u32, qOff: u32, qStride: u32, kvOff: u32, outOff: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> kv: array<f32>;
@group(0) @binding(2) var<storage, read> rows: array<vec4<i32>>;
@group(0) @binding(3) var<storage, read_write> outp: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;
const MAX_HD: u32 = 256u;
const MAX_DPT: u32 = 4u;

/** Element offset of (k or v, position p) of kv head kvh for a row with this info. */
fn cacheAt(part: u32, info: vec4<i32>, p: u32, kvh: u32) -> u32 {
  var row = u32(info.y + i32(p) - info.w);
  if (i32(p) < info.w) { row = u32(info.z) + p; }
  return u.kvOff + (part * u.R + row) * (u.NKV * u.HD) + kvh * u.HD;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.N * u.NH) { return; }
  let r = idx / u.NH;
  let h = idx % u.NH;
  let kvh = h / (u.NH / u.NKV);
  let info = rows[r];
  let pos = u32(info.x);
  let qa = u.qOff + r * u.qStride + h * u.HD;
  var acc: array<f32, MAX_HD>;
  var maxval = -3.0e38;
  var sum = 0.0;
  for (var p = 0u; p <= pos; p++) {
    let kOff = cacheAt(0u, info, p, kvh);
    let vOff = cacheAt(1u, info, p, kvh);
    var dot = 0.0;
    for (var i = 0u; i < u.HD; i++) { dot += q[qa + i] * kv[kOff + i]; }
    dot *= u.scale;
    let newMax = max(maxval, dot);
    let correction = exp(maxval - newMax);
    let w = exp(dot - newMax);
    sum = sum * correction + w;
    for (var i = 0u; i < u.HD; i++) { acc[i] = acc[i] * correction + w * kv[vOff + i]; }
    maxval = newMax;
  }
  let o = u.outOff + r * u.NH * u.HD + h * u.HD;
  for (var i = 0u; i < u.HD; i++) { outp[o + i] = acc[i] / sum; }
}

var<workgroup> qTile: array<f32, MAX_HD>;
var<workgroup> scores: array<f32, WG>;
var<workgroup> weights: array<f32, WG>;

@compute @workgroup_size(WG)
fn flash_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let idx = wid.x + wid.y * nwg.x;
  if (idx >= u.N * u.NH) { return; }
  let r = idx / u.NH;
  let h = idx % u.NH;
  let kvh = h / (u.NH / u.NKV);
  let info = rows[r];
  let pos = u32(info.x);
  let qa = u.qOff + r * u.qStride + h * u.HD;
  for (var i = t; i < u.HD; i += WG) { qTile[i] = q[qa + i]; }
  workgroupBarrier();
  var acc: array<f32, MAX_DPT>;
  var m = -3.0e38;
  var l = 0.0;
  for (var base = 0u; base <= pos; base += WG) {
    // scores of this tile's positions, one per thread (masked past pos)
    let p = base + t;
    var s = -3.0e38;
    if (p <= pos) {
      let kOff = cacheAt(0u, info, p, kvh);
      var dot = 0.0;
      for (var i = 0u; i < u.HD; i++) { dot += qTile[i] * kv[kOff + i]; }
      s = dot * u.scale;
    }
    // Two barriers per tile suffice: scores of tile k+1 are written after every thread passed the
    // second barrier of tile k (done reading scores), weights after the first of k+1 (done with k).
    scores[t] = s;
    workgroupBarrier();
    var mNew = m;
    for (var j = 0u; j < WG; j++) { mNew = max(mNew, scores[j]); }
    weights[t] = exp(s - mNew);
    workgroupBarrier();
    let correction = exp(m - mNew);
    l *= correction;
    for (var d = 0u; d < MAX_DPT; d++) { acc[d] *= correction; }
    let count = min(WG, pos + 1u - base);
    for (var j = 0u; j < count; j++) {
      let vOff = cacheAt(1u, info, base + j, kvh);
      let w = weights[j];
      l += w;
      for (var d = 0u; d < MAX_DPT; d++) {
        let i = t + d * WG;
        if (i < u.HD) { acc[d] += w * kv[vOff + i]; }
      }
    }
    m = mNew;
  }
  let o = u.outOff + r * u.NH * u.HD + h * u.HD;
  for (var d = 0u; d < MAX_DPT; d++) {
    let i = t + d * WG;
    if (i < u.HD) { outp[o + i] = acc[d] / l; }
  }
}
