// Rotary position embedding in place (transformers' apply_rotary_pos_emb, rotate_half convention),
// forward (sign = 1) or backward (sign = −1, the transposed rotation, applied to the gradient):
//   c = cos[pos[n], i], s = sign · sin[pos[n], i], a = x[n,h,i], b = x[n,h,i + HD/2]   (i < HD/2)
//   x[n,h,i] = a·c − b·s,   x[n,h,i + HD/2] = b·c + a·s
// The table comes from src/engine/rope.ts (float32 cos/sin of transformers' float32 angles: WGSL's
// sin/cos of large angles are imprecise). A position outside the table writes NaN (visible, not wrong).
// CPU reference: src/engine/cpu/layers/rotary.ts rotaryForward / rotaryBackward.
//
// @group(0) @binding(0) read_write  x          [N,H,HD] rows at xOff, row (n) stride xStride
// @group(0) @binding(1) read        positions  [N] i32
// @group(0) @binding(2) read        table      [2,P,HD/2] f32 at tabOff (cos block, then sin block)
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per (n, h, i < HD/2); dispatch grid(N·H·HD/2, WG).

struct U { N: u32, H: u32, HD: u32, xOff: u32, xStride: u32, P: u32, tabOff: u32, sign: f32 }

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> positions: array<i32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let half = u.HD / 2u;
  if (idx >= u.N * u.H * half) { return; }
  let i = idx % half;
  let h = (idx / half) % u.H;
  let n = idx / (half * u.H);
  let at = u.xOff + n * u.xStride + h * u.HD + i;
  let pos = positions[n];
  if (pos < 0 || u32(pos) >= u.P) {
    var nanBits = 0x7fc00000u; // a var: a constant NaN is a compile error
    let nan = bitcast<f32>(nanBits);
    x[at] = nan;
    x[at + half] = nan;
    return;
  }
  let t = u.tabOff + u32(pos) * half + i;
  let c = table[t];
  let s = u.sign * table[t + u.P * half];
  let a = x[at];
  let b = x[at + half];
  x[at] = a * c - b * s;
  x[at + half] = b * c + a * s;
}
