// Matrix-vector product for a few rows, the 'hardware' variant of engine_matmul.wgsl for decoding
// (M ≤ MAX_M rows) when B is a weight stored [N, K] contiguous along K (bSk = 1: the forward
// out = inp @ W^T + b, N = OC, K = C):
//   outp[outOff + m·N + n] (= or += when accumulate = 1) = Σ_k A[m, k] · B[k, n] (+ bias[biasOff + n] when hasBias = 1)
//   A[m, k] = a[aOff + m·aSm + k·aSk],  B[k, n] = B decoded from b[bOff + k + n·bSn] by BDT
// (0 f32, 1 f16, 2 bf16; engine_weight_decode.wgsl, concatenated after this file).
// Decoding is memory-bound: each weight is read once for all M rows. A workgroup owns NB = WG / TPC
// output columns; the TPC threads of a column split its K elements, reading whole 16-byte words
// (vec4<u32>: 8 halves or 4 floats) through b4 — the same buffer as b — between the row's first and
// last 16-byte boundary and single elements before and after, then sum their partials in workgroup
// memory (MAX_M · WG · 4 bytes = 8 KiB). engine_matmul_gemv_subgroup.wgsl reduces with subgroups instead.
// CPU reference: src/engine/cpu/layers/matmul.ts matmulForward.
//
// @group(0) @binding(0) read        a     A operand [M rows] (activations)
// @group(0) @binding(1) read        b     B = the weight [N, K] as u32 words
// @group(0) @binding(2) read        b4    the same buffer as b, as 16-byte words
// @group(0) @binding(3) read_write  outp  [M,N] at outOff
// @group(0) @binding(4) read        bias  [N] at biasOff (any read buffer when hasBias = 0)
// @group(1) @binding(0) uniform     u     (bSk is 1; aSm, aSk, bSn free)
// Workgroup: WG threads = NB columns × TPC threads. Dispatch: (x, 1, z) with x·z ≥ ceil(N / NB)
// column blocks, block = wid.x + wid.z·x.

struct U {
  M: u32, N: u32, K: u32,
  aOff: u32, aSm: u32, aSk: u32,
  bOff: u32, bSk: u32, bSn: u32,
  outOff: u32, biasOff: u32, hasBias: u32, accumulate: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read> b4: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> outp: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(1) @binding(0) var<uniform> u: U;

override WG: u32 = 256;
override BDT: u32 = 0u; // B's element type: 0 f32, 1 f16, 2 bf16
const TPC: u32 = 32u; // threads per output column
const MAX_M: u32 = 8u; // rows per dispatch (accumulators per thread)

var<workgroup> part: array<f32, MAX_M * WG>; // part[m·WG + t]: thread t's partial sum of row m

fn bAt(e: u32) -> f32 {
  return decodeWeight(b[weightWord(e, BDT)], e, BDT);
}

fn aAt(m: u32, k: u32) -> f32 {
  return a[u.aOff + m * u.aSm + k * u.aSk];
}

// acc[m] += A[m, k] · w for the rows m < M.
fn addElement(acc: ptr<function, array<f32, MAX_M>>, k: u32, w: f32) {
  for (var m = 0u; m < MAX_M; m++) {
    if (m < u.M) { (*acc)[m] += aAt(m, k) * w; }
  }
}

// This thread's share (`lane` of `stride` threads) of Σ_k A[m, k] · B[k, n] for every row m < M.
fn gemvColumn(n: u32, lane: u32, stride: u32) -> array<f32, MAX_M> {
  var acc: array<f32, MAX_M>;
  let s = u.bOff + n * u.bSn; // B[k, n] is element s + k
  let end = s + u.K;
  let epq = select(8u, 4u, BDT == 0u); // elements per 16-byte word
  let qBeg = (s + epq - 1u) / epq;
  let qEnd = end / epq;
  var lo = end; // elements [lo, hi) are read as whole 16-byte words
  var hi = end;
  if (qBeg < qEnd) { lo = qBeg * epq; hi = qEnd * epq; }
  for (var e = s + lane; e < lo; e += stride) { addElement(&acc, e - s, bAt(e)); }
  for (var e = hi + lane; e < end; e += stride) { addElement(&acc, e - s, bAt(e)); }
  if (qBeg >= qEnd) { return acc; }
  for (var q = qBeg + lane; q < qEnd; q += stride) {
    let w = b4[q];
    let k = q * epq - s;
    var wLo: vec4<f32>;
    var wHi: vec4<f32>;
    if (BDT == 0u) {
      wLo = bitcast<vec4<f32>>(w);
    } else {
      wLo = vec4<f32>(decodePair(w.x, BDT), decodePair(w.y, BDT));
      wHi = vec4<f32>(decodePair(w.z, BDT), decodePair(w.w, BDT));
    }
    for (var m = 0u; m < MAX_M; m++) {
      if (m < u.M) {
        var d = dot(wLo, vec4<f32>(aAt(m, k), aAt(m, k + 1u), aAt(m, k + 2u), aAt(m, k + 3u)));
        if (BDT != 0u) { d += dot(wHi, vec4<f32>(aAt(m, k + 4u), aAt(m, k + 5u), aAt(m, k + 6u), aAt(m, k + 7u))); }
        acc[m] += d;
      }
    }
  }
  return acc;
}

// out[m, n] = sum (+ bias) (+ the old value when accumulating).
fn store(m: u32, n: u32, sum: f32) {
  var v = sum;
  if (u.hasBias == 1u) { v += bias[u.biasOff + n]; }
  let o = u.outOff + m * u.N + n;
  if (u.accumulate == 1u) { v += outp[o]; }
  outp[o] = v;
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let col = t / TPC;
  let lane = t % TPC;
  let n = (wid.x + wid.z * nwg.x) * (WG / TPC) + col;
  var acc: array<f32, MAX_M>;
  if (n < u.N) { acc = gemvColumn(n, lane, TPC); }
  for (var m = 0u; m < MAX_M; m++) { part[m * WG + t] = acc[m]; }
  workgroupBarrier();
  // lane m of each column sums row m's TPC partials in lane order
  if (lane < u.M && n < u.N) {
    var sum = 0.0;
    let p = lane * WG + col * TPC;
    for (var i = 0u; i < TPC; i++) { sum += part[p + i]; }
    store(lane, n, sum);
  }
}
