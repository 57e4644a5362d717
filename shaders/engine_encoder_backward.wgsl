// Embedding-table gradient (one table per dispatch: wte with ids = tokens, wpe with ids = positions):
//   grads[gOff + v·C + c] += Σ_{r : ids[r] = v} dout[r, c]   for v < rows.
// A gather (one thread per table element, looping over the N rows) instead of a scatter, so it
// needs no float atomics and sums in a fixed order.
// CPU reference: src/engine/cpu/layers/encoder.ts encoderBackward.
//
// @group(0) @binding(0) read_write  grads  flat gradients (config.ts layout); the table at gOff [rows,C]
// @group(0) @binding(1) read        dout   [N,C] at doutOff
// @group(0) @binding(2) read        ids    [N] i32 (tokens or positions)
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads, one per table element; dispatch grid(rows·C, WG).

struct U { N: u32, C: u32, rows: u32, gOff: u32, doutOff: u32 }

@group(0) @binding(0) var<storage, read_write> grads: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<i32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= u.rows * u.C) { return; }
  let v = i32(i / u.C);
  let c = i % u.C;
  var acc = 0.0;
  for (var r = 0u; r < u.N; r++) {
    if (ids[r] == v) { acc += dout[u.doutOff + r * u.C + c]; }
  }
  grads[u.gOff + i] += acc;
}
