// Workgroup-tiled strided matmul, the 'hardware' variant of engine_matmul.wgsl for many rows
// (prefill, training): the same product, strides and uniform block,
//   outp[outOff + m·N + n] (= or += when accumulate = 1) = Σ_k A[m, k] · B[k, n] (+ bias[biasOff + n] when hasBias = 1)
//   A[m, k] = a[aOff + m·aSm + k·aSk],  B[k, n] = B decoded from b[bOff + k·bSk + n·bSn] by BDT
// (0 f32, 1 f16, 2 bf16; engine_weight_decode.wgsl, concatenated after this file).
// A workgroup owns a TM × TN = (4·WG_Y) × (4·WG_X) output tile: it stages K-slabs of KT columns of A
// and KT rows of B in workgroup memory (zero-filled past the edges), then each thread accumulates a
// 4×4 register tile from them, so every A and B element is read from memory once per tile instead of
// once per output. B is loaded two elements at a time along its contiguous axis: one u32 word
// holds both when B is half precision and the pair is word-aligned.
// Workgroup memory: 2 · KT · 4·WG · 4 bytes = 8 KiB with the defaults (the WebGPU minimum is 16 KiB).
// CPU reference: src/engine/cpu/layers/matmul.ts matmulForward / matmulBackward.
//
// @group(0) @binding(0) read        a     A operand (activations)
// @group(0) @binding(1) read        b     B operand as u32 words (flat params, a hub weight, or activations)
// @group(0) @binding(2) read_write  outp  [M,N] at outOff (activations, or flat grads)
// @group(0) @binding(3) read        bias  [N] at biasOff (flat params; any read buffer when hasBias = 0)
// @group(1) @binding(0) uniform     u
// Workgroup: WG_X × WG_Y threads (256 with the defaults) covering TN = 4·WG_X columns × TM = 4·WG_Y rows.
// Dispatch: (x, ceil(M / TM), z) with x·z ≥ ceil(N / TN) column blocks, block = wid.x + wid.z·x.

struct U {
  M: u32, N: u32, K: u32,
  aOff: u32, aSm: u32, aSk: u32,
  bOff: u32, bSk: u32, bSn: u32,
  outOff: u32, biasOff: u32, hasBias: u32, accumulate: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG_X: u32 = 16;
override WG_Y: u32 = 16;
override BDT: u32 = 0u; // B's element type: 0 f32, 1 f16, 2 bf16
const R: u32 = 4u; // register tile edge
const KT: u32 = 16u; // K-slab depth

// As[k·WG_Y + i] = A[tile row 4i .. 4i+3, slab column k]; Bs[k·WG_X + j] = B[slab row k, tile column 4j .. 4j+3]
var<workgroup> As: array<vec4<f32>, KT * WG_Y>;
var<workgroup> Bs: array<vec4<f32>, KT * WG_X>;

fn bAt(e: u32) -> f32 {
  return decodeWeight(b[weightWord(e, BDT)], e, BDT);
}

// Elements e and e + step of B (ok0 / ok1: inside the matrix; 0 outside). One word when B is half
// precision, step = 1 and e is even.
fn bPair(e: u32, step: u32, ok0: bool, ok1: bool) -> vec2<f32> {
  if (BDT != 0u && step == 1u && (e & 1u) == 0u && ok1) {
    return decodePair(b[e >> 1u], BDT);
  }
  var v = vec2<f32>(0.0);
  if (ok0) { v.x = bAt(e); }
  if (ok1) { v.y = bAt(e + step); }
  return v;
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let TM = R * WG_Y;
  let TN = R * WG_X;
  let NT = WG_X * WG_Y;
  let t = lid.y * WG_X + lid.x;
  let tileM = wid.y * TM;
  let tileN = (wid.x + wid.z * nwg.x) * TN;
  // A is loaded along its contiguous axis (k for the forward, m for dW), B in pairs along its own.
  let aAlongK = u.aSk == 1u;
  let bAlongK = u.bSk == 1u && u.bSn != 1u;
  let bStep = select(u.bSn, u.bSk, bAlongK);
  var acc: array<vec4<f32>, 4>; // acc[i][j] = out[tileM + 4·lid.y + i, tileN + 4·lid.x + j]

  for (var k0 = 0u; k0 < u.K; k0 += KT) {
    for (var idx = t; idx < KT * TM; idx += NT) {
      var kk: u32;
      var mm: u32;
      if (aAlongK) { kk = idx % KT; mm = idx / KT; } else { mm = idx % TM; kk = idx / TM; }
      let m = tileM + mm;
      let k = k0 + kk;
      var v = 0.0;
      if (m < u.M && k < u.K) { v = a[u.aOff + m * u.aSm + k * u.aSk]; }
      As[kk * WG_Y + mm / R][mm % R] = v;
    }
    for (var p = t; p < KT * TN / 2u; p += NT) {
      var kk: u32;
      var nn: u32;
      if (bAlongK) { kk = (p % (KT / 2u)) * 2u; nn = p / (KT / 2u); } else { nn = (p % (TN / 2u)) * 2u; kk = p / (TN / 2u); }
      let k = k0 + kk;
      let n = tileN + nn;
      let e = u.bOff + k * u.bSk + n * u.bSn;
      // the pair's second element: (kk + 1, nn) along K, (kk, nn + 1) along N
      let k1 = k + select(0u, 1u, bAlongK);
      let n1 = n + select(1u, 0u, bAlongK);
      let v = bPair(e, bStep, k < u.K && n < u.N, k1 < u.K && n1 < u.N);
      Bs[kk * WG_X + nn / R][nn % R] = v.x;
      let kk1 = kk + select(0u, 1u, bAlongK);
      let nn1 = nn + select(1u, 0u, bAlongK);
      Bs[kk1 * WG_X + nn1 / R][nn1 % R] = v.y;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < KT; kk++) {
      let av = As[kk * WG_Y + lid.y];
      let bv = Bs[kk * WG_X + lid.x];
      acc[0] += av.x * bv;
      acc[1] += av.y * bv;
      acc[2] += av.z * bv;
      acc[3] += av.w * bv;
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < R; i++) {
    let m = tileM + lid.y * R + i;
    if (m >= u.M) { break; }
    for (var j = 0u; j < R; j++) {
      let n = tileN + lid.x * R + j;
      if (n >= u.N) { break; }
      var v = acc[i][j];
      if (u.hasBias == 1u) { v += bias[u.biasOff + n]; }
      let o = u.outOff + m * u.N + n;
      if (u.accumulate == 1u) { v += outp[o]; }
      outp[o] = v;
    }
  }
}
