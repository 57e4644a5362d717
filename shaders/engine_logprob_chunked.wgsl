// The log-prob head over the vocabulary in column chunks, so a [rows, V] logits tensor is never
// held: the LM head's logits of columns [v0, v0 + Vc) arrive one chunk at a time (a matmul into
// `logits`), and each row keeps an online log-sum-exp state (m, z, s, target logit):
//   m = running max,  z = Σ e^(l−m),  s = Σ e^(l−m)·(l−m)   (merging a chunk rescales by e^(m−m'))
// finish:  lse = m + log z,  entropy = log z − s / z,  logp = l[target] − lse (0 where target = −1)
// backward (in place on a chunk, recomputed by the caller): l ← dlogp · (1[v0 + j = target] − e^(l − lse)),
// 0 on rows whose target is −1.
// CPU reference: src/engine/cpu/layers/logprobHead.ts logProbHeadForward / logProbHeadBackward (whole rows).
//
// @group(0) @binding(0) read_write  logits   [N, Vc] at logitsOff (chunk_main reads; backward_main overwrites with dlogits)
// @group(0) @binding(1) read        targets  [N] i32 (−1 = unscored)
// @group(0) @binding(2) read_write  state    [N, 4]: m, z, s, target logit
// @group(0) @binding(3) read_write  logp     [N]
// @group(0) @binding(4) read_write  entropy  [N]
// @group(0) @binding(5) read_write  lse      [N] (written by finish_main, read by backward_main)
// @group(0) @binding(6) read        dlogp    [N]
// @group(1) @binding(0) uniform     u        first = 1 on the first chunk (the state starts there)
// Workgroup: WG threads. chunk_main and finish_main: one thread per row, grid(N, WG);
// backward_main: one thread per logit, grid(N·Vc, WG).

struct U { N: u32, Vc: u32, v0: u32, logitsOff: u32, first: u32 }

@group(0) @binding(0) var<storage, read_write> logits: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<storage, read_write> logp: array<f32>;
@group(0) @binding(4) var<storage, read_write> entropy: array<f32>;
@group(0) @binding(5) var<storage, read_write> lse: array<f32>;
@group(0) @binding(6) var<storage, read> dlogp: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn chunk_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= u.N) { return; }
  let x = u.logitsOff + r * u.Vc;
  var mc = -3.0e38;
  for (var j = 0u; j < u.Vc; j++) { mc = max(mc, logits[x + j]); }
  var zc = 0.0;
  var sc = 0.0;
  for (var j = 0u; j < u.Vc; j++) {
    let d = logits[x + j] - mc;
    let e = exp(d);
    zc += e;
    sc += e * d;
  }
  var m = -3.0e38;
  var z = 0.0;
  var s = 0.0;
  var tl = 0.0;
  if (u.first == 0u) { m = state[4u * r]; z = state[4u * r + 1u]; s = state[4u * r + 2u]; tl = state[4u * r + 3u]; }
  let mm = max(m, mc);
  let a = exp(m - mm);
  let b = exp(mc - mm);
  // Σ e^(l−mm)(l−mm) = e^(m−mm)(s + (m−mm)·z) over the old part, likewise over the chunk
  let sNew = a * (s + (m - mm) * z) + b * (sc + (mc - mm) * zc);
  state[4u * r] = mm;
  state[4u * r + 1u] = a * z + b * zc;
  state[4u * r + 2u] = sNew;
  let t = targets[r];
  if (t >= 0 && u32(t) >= u.v0 && u32(t) < u.v0 + u.Vc) { tl = logits[x + u32(t) - u.v0]; }
  state[4u * r + 3u] = tl;
}

@compute @workgroup_size(WG)
fn finish_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= u.N) { return; }
  let m = state[4u * r];
  let z = state[4u * r + 1u];
  let logZ = log(z);
  lse[r] = m + logZ;
  entropy[r] = logZ - state[4u * r + 2u] / z;
  if (targets[r] < 0) { logp[r] = 0.0; } else { logp[r] = (state[4u * r + 3u] - m) - logZ; }
}

@compute @workgroup_size(WG)
fn backward_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.N * u.Vc) { return; }
  let r = idx / u.Vc;
  let j = idx % u.Vc;
  let o = u.logitsOff + idx;
  let t = targets[r];
  if (t < 0) { logits[o] = 0.0; return; }
  var g = -exp(logits[o] - lse[r]);
  if (u32(t) == u.v0 + j) { g += 1.0; }
  logits[o] = dlogp[r] * g;
}
