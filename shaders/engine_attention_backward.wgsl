// Causal multi-head attention backward, as two gathers (no float atomics), both overwriting:
//   query_main, one thread per (b, h, t):
//     datt[t2] = v[t2] · dout[t];  dpre[t2] = att[t,t2] · (datt[t2] − Σ_s att[t,s] · datt[s])
//     dpreatt[b,h,t,t2] = dpre[t2] (0 for t2 > t);  dq[t] = scale · Σ_{t2 ≤ t} dpre[t2] · k[t2]
//   key_main, one thread per (b, h, t2), after query_main:
//     dk[t2] = scale · Σ_{t ≥ t2} dpreatt[t,t2] · q[t];  dv[t2] = Σ_{t ≥ t2} att[t,t2] · dout[t]
// CPU reference: src/engine/cpu/layers/attention.ts attentionBackward.
//
// @group(0) @binding(0) read        qkv      [B,T,3C] at qkvOff (saved forward input)
// @group(0) @binding(1) read        att      [B,NH,T,T] at attOff (saved softmax)
// @group(0) @binding(2) read        dout     [B,T,C] at doutOff
// @group(0) @binding(3) read_write  dpreatt  [B,NH,T,T] at 0 (scratch, written by query_main)
// @group(0) @binding(4) read_write  dqkv     [B,T,3C] at 0 (q part by query_main, k/v parts by key_main)
// @group(1) @binding(0) uniform     u
// Workgroup: WG threads; both entries dispatch grid(B·NH·T, WG).

struct U { B: u32, T: u32, C: u32, NH: u32, qkvOff: u32, attOff: u32, doutOff: u32, scale: f32 }

@group(0) @binding(0) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read> att: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> dpreatt: array<f32>;
@group(0) @binding(4) var<storage, read_write> dqkv: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn query_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.B * u.NH * u.T) { return; }
  let t = idx % u.T;
  let h = (idx / u.T) % u.NH;
  let b = idx / (u.T * u.NH);
  let C3 = 3u * u.C;
  let HS = u.C / u.NH;
  let arow = u.attOff + ((b * u.NH + h) * u.T + t) * u.T;
  let drow = ((b * u.NH + h) * u.T + t) * u.T;
  let o = u.doutOff + (b * u.T + t) * u.C + h * HS;
  var dot = 0.0;
  for (var t2 = 0u; t2 <= t; t2++) {
    let v = u.qkvOff + (b * u.T + t2) * C3 + h * HS + 2u * u.C;
    var d = 0.0;
    for (var i = 0u; i < HS; i++) { d += qkv[v + i] * dout[o + i]; }
    dpreatt[drow + t2] = d; // datt for now
    dot += att[arow + t2] * d;
  }
  for (var t2 = 0u; t2 < u.T; t2++) {
    if (t2 <= t) { dpreatt[drow + t2] = att[arow + t2] * (dpreatt[drow + t2] - dot); } else { dpreatt[drow + t2] = 0.0; }
  }
  let dq = (b * u.T + t) * C3 + h * HS;
  for (var i = 0u; i < HS; i++) {
    var acc = 0.0;
    for (var t2 = 0u; t2 <= t; t2++) {
      acc += dpreatt[drow + t2] * qkv[u.qkvOff + (b * u.T + t2) * C3 + h * HS + u.C + i];
    }
    dqkv[dq + i] = acc * u.scale;
  }
}

@compute @workgroup_size(WG)
fn key_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= u.B * u.NH * u.T) { return; }
  let t2 = idx % u.T;
  let h = (idx / u.T) % u.NH;
  let b = idx / (u.T * u.NH);
  let C3 = 3u * u.C;
  let HS = u.C / u.NH;
  let dk = (b * u.T + t2) * C3 + h * HS + u.C;
  let dv = dk + u.C;
  for (var i = 0u; i < HS; i++) {
    var accK = 0.0;
    var accV = 0.0;
    for (var t = t2; t < u.T; t++) {
      let r = ((b * u.NH + h) * u.T + t) * u.T + t2;
      accK += dpreatt[r] * qkv[u.qkvOff + (b * u.T + t) * C3 + h * HS + i];
      accV += att[u.attOff + r] * dout[u.doutOff + (b * u.T + t) * u.C + h * HS + i];
    }
    dqkv[dk + i] = accK * u.scale;
    dqkv[dv + i] = accV;
  }
}
