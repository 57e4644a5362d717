// Backward of the log-prob head for any dL/dlogp (overwrites dlogits):
//   dlogits[r, i] = dlogp[r] · (1[i = target[r]] − exp(logits[r, i] − lse[r])),  0 where target = −1
// CPU reference: src/engine/cpu/layers/logprob-head.ts logProbHeadBackward.
//
// @group(0) @binding(0) read        logits   [N,V]
// @group(0) @binding(1) read        targets  [N] i32
// @group(0) @binding(2) read        lse      [N] (saved by the forward head)
// @group(0) @binding(3) read        dlogp    [N]
// @group(0) @binding(4) read_write  dlogits  [N,V]
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per logit; dispatch grid(N·V, WG).

struct U { N: u32, V: u32 }

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read> lse: array<f32>;
@group(0) @binding(3) var<storage, read> dlogp: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.N * u.V) { return; }
  let r = idx / u.V;
  let i = idx % u.V;
  let tgt = targets[r];
  if (tgt < 0) { dlogits[idx] = 0.0; return; }
  var g = -exp(logits[idx] - lse[r]);
  if (u32(tgt) == i) { g += 1.0; }
  dlogits[idx] = dlogp[r] * g;
}
