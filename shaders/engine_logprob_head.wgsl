// The training head on logits rows: per row log p(target), entropy (nats) and log-sum-exp
// (saved for backward instead of the probabilities), max-subtracted:
//   lse = m + log Σ e^(l−m),  entropy = log Σ e^(l−m) − Σ e^(l−m)·(l−m) / Σ e^(l−m),
//   logp = l[target] − lse (0 where target = −1)
// CPU reference: src/engine/cpu/layers/logprob-head.ts logProbHeadForward.
//
// @group(0) @binding(0) read        logits   [N,V] at logitsOff
// @group(0) @binding(1) read        targets  [rowOff + N] i32 (−1 = unscored); row r's at rowOff + r
// @group(0) @binding(2) read_write  logp     [rowOff + N]
// @group(0) @binding(3) read_write  entropy  [rowOff + N]
// @group(0) @binding(4) read_write  lse      [rowOff + N]
// (rowOff lets a caller run the LM head in row slices into one set of per-row outputs)
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per row (V is small); dispatch grid(N, WG).

struct U { N: u32, V: u32, logitsOff: u32, rowOff: u32 }

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read_write> logp: array<f32>;
@group(0) @binding(3) var<storage, read_write> entropy: array<f32>;
@group(0) @binding(4) var<storage, read_write> lse: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= u.N) { return; }
  let x = u.logitsOff + r * u.V;
  var m = -3.0e38;
  for (var i = 0u; i < u.V; i++) { m = max(m, logits[x + i]); }
  var z = 0.0;
  var s = 0.0;
  for (var i = 0u; i < u.V; i++) {
    let d = logits[x + i] - m;
    let e = exp(d);
    z += e;
    s += e * d;
  }
  let logZ = log(z);
  let o = u.rowOff + r;
  entropy[o] = logZ - s / z;
  lse[o] = m + logZ;
  let tgt = targets[o];
  if (tgt < 0) { logp[o] = 0.0; } else { logp[o] = (logits[x + u32(tgt)] - m) - logZ; }
}
