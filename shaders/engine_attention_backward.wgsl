// Causal grouped-query attention backward, as three gathers (no float atomics), all overwriting;
// q, k, v and their gradients are rows with their own offsets and row strides (see the forward):
//   query_main, one thread per (b, h, t):
//     datt[t2] = v[t2,kvh] · dout[t,h];  dpre[t2] = att[t,t2] · (datt[t2] − Σ_s att[t,s] · datt[s])
//     dpreatt[b,h,t,t2] = dpre[t2] (0 for t2 > t);  dq[t,h] = scale · Σ_{t2 ≤ t} dpre[t2] · k[t2,kvh]
//   key_main, one thread per (b, kvh, t2), after query_main (summing the heads h of kv head kvh):
//     dk[t2,kvh] = scale · Σ_h Σ_{t ≥ t2} dpreatt[b,h,t,t2] · q[t,h]
//   value_main, one thread per (b, kvh, t2):
//     dv[t2,kvh] = Σ_h Σ_{t ≥ t2} att[b,h,t,t2] · dout[t,h]
// CPU reference: src/engine/cpu/layers/attention.ts gqaAttentionBackward (attentionBackward for the toy).
//
// @group(0) @binding(0) read        q        [B·T, NH·HD] rows at qOff, row stride qStride (saved forward input)
// @group(0) @binding(1) read        k        [B·T, NKV·HD] rows at kOff, row stride kStride
// @group(0) @binding(2) read        v        [B·T, NKV·HD] rows at vOff, row stride vStride
// @group(0) @binding(3) read        att      [B,NH,T,T] at attOff (saved softmax)
// @group(0) @binding(4) read        dout     [B,T,NH·HD] at doutOff
// @group(0) @binding(5) read_write  dpreatt  [B,NH,T,T] at 0 (scratch, written by query_main)
// @group(0) @binding(6) read_write  dq       rows at dqOff, row stride dqStride   (query_main)
// @group(0) @binding(7) read_write  dk       rows at dkOff, row stride dkStride   (key_main)
// @group(0) @binding(8) read_write  dv       rows at dvOff, row stride dvStride   (value_main)
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads; query_main dispatches grid(B·NH·T, WG), key_main and value_main grid(B·NKV·T, WG).

struct U {
  B: u32, T: u32, NH: u32, NKV: u32, HD: u32, qOff: u32, qStride: u32, kOff: u32, kStride: u32, vOff: u32, vStride: u32,
  attOff: u32, doutOff: u32, dqOff: u32, dqStride: u32, dkOff: u32, dkStride: u32, dvOff: u32, dvStride: u32, scale: f32,
}

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> att: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read_write> dpreatt: array<f32>;
@group(0) @binding(6) var<storage, read_write> dq: array<f32>;
@group(0) @binding(7) var<storage, read_write> dk: array<f32>;
@group(0) @binding(8) var<storage, read_write> dv: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn query_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.B * u.NH * u.T) { return; }
  let t = idx % u.T;
  let h = (idx / u.T) % u.NH;
  let b = idx / (u.T * u.NH);
  let kvh = h / (u.NH / u.NKV);
  let arow = u.attOff + ((b * u.NH + h) * u.T + t) * u.T;
  let drow = ((b * u.NH + h) * u.T + t) * u.T;
  let o = u.doutOff + (b * u.T + t) * u.NH * u.HD + h * u.HD;
  var dot = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    let va = u.vOff + (b * u.T + t2) * u.vStride + kvh * u.HD;
    var d = 0.0;
    for (var i = 0u; i < u.HD; i++) { d += v[va + i] * dout[o + i]; }
    dpreatt[drow + t2] = d; // datt for now
    dot += att[arow + t2] * d;
  }
  for (var t2 = 0u; t2 < u.T; t2++) {
    if (t2 <= t) { dpreatt[drow + t2] = att[arow + t2] * (dpreatt[drow + t2] - dot); } else { dpreatt[drow + t2] = 0.0; }
  }
  let dqa = u.dqOff + (b * u.T + t) * u.dqStride + h * u.HD;
  for (var i = 0u; i < u.HD; i++) {
    var acc = 0.0;
    for (var t2 = 0u; t2 <= t; t2++) {
      acc += dpreatt[drow + t2] * k[u.kOff + (b * u.T + t2) * u.kStride + kvh * u.HD + i];
    }
    dq[dqa + i] = acc * u.scale;
  }
}

@compute @workgroup_size(WG)
fn key_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.B * u.NKV * u.T) { return; }
  let t2 = idx % u.T;
  let kvh = (idx / u.T) % u.NKV;
  let b = idx / (u.T * u.NKV);
  let G = u.NH / u.NKV;
  let dka = u.dkOff + (b * u.T + t2) * u.dkStride + kvh * u.HD;
  for (var i = 0u; i < u.HD; i++) {
    var acc = 0.0;
    for (var h = kvh * G; h < (kvh + 1u) * G; h++) {
      for (var t = t2; t < u.T; t++) {
        acc += dpreatt[((b * u.NH + h) * u.T + t) * u.T + t2] * q[u.qOff + (b * u.T + t) * u.qStride + h * u.HD + i];
      }
    }
    dk[dka + i] = acc * u.scale;
  }
}

@compute @workgroup_size(WG)
fn value_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.B * u.NKV * u.T) { return; }
  let t2 = idx % u.T;
  let kvh = (idx / u.T) % u.NKV;
  let b = idx / (u.T * u.NKV);
  let G = u.NH / u.NKV;
  let dva = u.dvOff + (b * u.T + t2) * u.dvStride + kvh * u.HD;
  for (var i = 0u; i < u.HD; i++) {
    var acc = 0.0;
    for (var h = kvh * G; h < (kvh + 1u) * G; h++) {
      for (var t = t2; t < u.T; t++) {
        acc += att[u.attOff + ((b * u.NH + h) * u.T + t) * u.T + t2] * dout[u.doutOff + (b * u.T + t) * u.NH * u.HD + h * u.HD + i];
      }
    }
    dv[dva + i] = acc;
  }
}
