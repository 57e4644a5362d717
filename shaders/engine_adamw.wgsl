// AdamW with global gradient-norm clipping, entirely on the GPU, in three entry points run in order
// in one submit (llm.c gpt2_update; wd only inside the decay ranges = 2-D weight matrices):
//   norm_main   (1 workgroup):  state[0] = bits(Σ g²), or NaN bits when any g is NaN/±Inf; state[1] = 0
//   check_main  (per element):  state[1] |= 1 when the updated θ would be non-finite
//   update_main (per element):  when state[0] is finite and state[1] = 0:
//     g ← g · min(1, gradClip / ‖g‖) (gradClip > 0),  m ← β1 m + (1−β1) g,  v ← β2 v + (1−β2) g²,
//     θ ← θ − lr · ( (m / c1) / (√(v / c2) + eps) + wd · θ ),  c1 = 1 − β1^t, c2 = 1 − β2^t
//   otherwise θ, m, v are left untouched (the caller reads state[0..1] back and reports skipped).
// Non-finite tests use the exponent bits, since WGSL may assume finite float arithmetic.
// CPU reference: src/engine/cpu/adamw.ts adamwStep.
//
// @group(0) @binding(0) read        grads   [P] flat gradients
// @group(0) @binding(1) read_write  state   [2] atomic u32: normSq bits, bad-update flag
// @group(0) @binding(2) read_write  params  [P]   (check_main, update_main)
// @group(0) @binding(3) read_write  m       [P]
// @group(0) @binding(4) read_write  v       [P]
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads; norm_main dispatch (1); check_main/update_main dispatch grid(P, WG).

struct U {
  P: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, gradClip: f32, c1: f32, c2: f32,
  nRanges: u32, _pad0: u32, _pad1: u32,
  ranges: array<vec4<u32>, 3>, // decay ranges [start, end) as (s0, e0, s1, e1), …
}

@group(0) @binding(0) var<storage, read> grads: array<f32>;
@group(0) @binding(1) var<storage, read_write> state: array<atomic<u32>, 2>;
@group(0) @binding(2) var<storage, read_write> params: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 256;

var<workgroup> partial: array<f32, WG>;
var<workgroup> anyBad: atomic<u32>;

fn nonFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }

@compute @workgroup_size(WG)
fn norm_main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  var bad = 0u;
  for (var i = lid.x; i < u.P; i += WG) {
    let g = grads[i];
    if (nonFinite(g)) { bad = 1u; }
    s += g * g;
  }
  partial[lid.x] = s;
  if (bad == 1u) { atomicOr(&anyBad, 1u); }
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid.x < stride) { partial[lid.x] += partial[lid.x + stride]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    var bits = bitcast<u32>(partial[0]);
    if (atomicLoad(&anyBad) != 0u) { bits = 0x7fc00000u; } // NaN
    atomicStore(&state[0], bits);
    atomicStore(&state[1], 0u);
  }
}

fn decays(i: u32) -> bool {
  for (var k = 0u; k < u.nRanges; k++) {
    let r = u.ranges[k / 2u];
    let s = select(r.x, r.z, k % 2u == 1u);
    let e = select(r.y, r.w, k % 2u == 1u);
    if (i >= s && i < e) { return true; }
  }
  return false;
}

struct Moments { p: f32, m: f32, v: f32 }

fn stepOf(i: u32, normSq: f32) -> Moments {
  let norm = sqrt(normSq);
  var clip = 1.0;
  if (u.gradClip > 0.0 && norm > u.gradClip) { clip = u.gradClip / norm; }
  let g = grads[i] * clip;
  let mi = u.beta1 * m[i] + (1.0 - u.beta1) * g;
  let vi = u.beta2 * v[i] + (1.0 - u.beta2) * g * g;
  let mhat = mi / u.c1;
  let vhat = vi / u.c2;
  var wd = 0.0;
  if (decays(i)) { wd = u.wd * params[i]; }
  let p = params[i] - u.lr * (mhat / (sqrt(vhat) + u.eps) + wd);
  return Moments(p, mi, vi);
}

@compute @workgroup_size(WG)
fn check_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.P) { return; }
  let normSq = bitcast<f32>(atomicLoad(&state[0]));
  if (nonFinite(normSq)) { return; }
  if (nonFinite(stepOf(i, normSq).p)) { atomicOr(&state[1], 1u); }
}

@compute @workgroup_size(WG)
fn update_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.P) { return; }
  let normSq = bitcast<f32>(atomicLoad(&state[0]));
  if (nonFinite(normSq) || atomicLoad(&state[1]) != 0u) { return; }
  let r = stepOf(i, normSq);
  params[i] = r.p;
  m[i] = r.m;
  v[i] = r.v;
}
