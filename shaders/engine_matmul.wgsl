// Register-tiled strided matmul, the one kernel behind every linear layer and its backward:
//   outp[outOff + m·N + n] (= or += when accumulate = 1) = Σ_k A[m, k] · B[k, n] (+ bias[biasOff + n] when hasBias = 1)
//   A[m, k] = a[aOff + m·aSm + k·aSk],  B[k, n] = b[bOff + k·bSk + n·bSn]
// B may be a hub weight kept at file precision: b is read as words and decoded by the override BDT
// (0 f32, 1 f16, 2 bf16; engine_weight_decode.wgsl, concatenated after this file); offsets and
// strides of B count elements. A, bias and the output are f32.
// The strides express the three uses (W stored [OC, C], llm.c convention):
//   forward  out = inp @ W^T + b:   A = inp (C, 1),  B = W (1, C)          M = B·T, K = C,  N = OC
//   backward dinp = dout @ W:       A = dout (OC, 1), B = W (C, 1)          M = B·T, K = OC, N = C
//   backward dW += dout^T @ inp:    A = dout (1, OC), B = inp (C, 1)        M = OC,  K = B·T, N = C
// Each thread computes a 4×4 tile of outputs in registers (4 A and 4 B loads per 16 multiply-adds);
// no workgroup memory or barriers, which software adapters (SwiftShader) execute very slowly. This is
// the 'software' variant; real GPUs get engine_matmul_tiled.wgsl and engine_matmul_gemv*.wgsl
// (src/engine/gpu/layers/matmul.ts chooses).
// CPU reference: src/engine/cpu/layers/matmul.ts matmulForward / matmulBackward.
//
// @group(0) @binding(0) read        a     A operand (activations)
// @group(0) @binding(1) read        b     B operand as u32 words (flat params, a hub weight, or activations)
// @group(0) @binding(2) read_write  outp  [M,N] at outOff (activations, or flat grads)
// @group(0) @binding(3) read        bias  [N] at biasOff (flat params; any read buffer when hasBias = 0)
// @group(1) @binding(0) uniform     u
// Workgroup: WG_X × WG_Y threads covering (4·WG_X) columns × (4·WG_Y) rows.
// Dispatch: (x, ceil(M / (4·WG_Y)), z) with x·z ≥ ceil(N / (4·WG_X)) column blocks, block = wid.x + wid.z·x
// (z > 1 only when the blocks exceed maxComputeWorkgroupsPerDimension).

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

override WG_X: u32 = 8;
override WG_Y: u32 = 8;
override BDT: u32 = 0u; // B's element type: 0 f32, 1 f16, 2 bf16
const R: u32 = 4u; // register tile edge

fn bAt(e: u32) -> f32 {
  return decodeWeight(b[weightWord(e, BDT)], e, BDT);
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let m0 = (wid.y * WG_Y + lid.y) * R;
  let n0 = ((wid.x + wid.z * nwg.x) * WG_X + lid.x) * R;
  if (m0 >= u.M || n0 >= u.N) { return; }
  var acc: array<vec4<f32>, 4>; // acc[i][j] = out[m0 + i, n0 + j]
  // clamp indices of the ragged edge to a valid element; their results are never stored
  let mLast = u.M - 1u;
  let nLast = u.N - 1u;
  var aRow: vec4<u32>;
  var bCol: vec4<u32>;
  for (var i = 0u; i < R; i++) {
    aRow[i] = u.aOff + min(m0 + i, mLast) * u.aSm;
    bCol[i] = u.bOff + min(n0 + i, nLast) * u.bSn;
  }
  for (var k = 0u; k < u.K; k++) {
    let ka = k * u.aSk;
    let kb = k * u.bSk;
    let av = vec4<f32>(a[aRow.x + ka], a[aRow.y + ka], a[aRow.z + ka], a[aRow.w + ka]);
    let bv = vec4<f32>(bAt(bCol.x + kb), bAt(bCol.y + kb), bAt(bCol.z + kb), bAt(bCol.w + kb));
    acc[0] += av.x * bv;
    acc[1] += av.y * bv;
    acc[2] += av.z * bv;
    acc[3] += av.w * bv;
  }
  for (var i = 0u; i < R; i++) {
    let m = m0 + i;
    if (m >= u.M) { break; }
    for (var j = 0u; j < R; j++) {
      let n = n0 + j;
      if (n >= u.N) { break; }
      var v = acc[i][j];
      if (u.hasBias == 1u) { v += bias[u.biasOff + n]; }
      let o = u.outOff + m * u.N + n;
      if (u.accumulate == 1u) { v += outp[o]; }
      outp[o] = v;
    }
  }
}
