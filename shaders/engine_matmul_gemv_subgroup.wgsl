// engine_matmul_gemv_subgroup.wgsl — the decoding matrix-vector product of engine_matmul_gemv.wgsl
// with subgroup reductions instead of workgroup memory, for adapters with the 'subgroups' feature.
// Concatenated BEFORE engine_matmul_gemv.wgsl (bindings, uniform block, gemvColumn, store) and
// engine_weight_decode.wgsl, since `enable` must open the module; this file adds the entry point
// main_subgroup (the module also keeps gemv's `main`).
// Each subgroup takes a unique id from a workgroup counter (correct whatever the mapping of
// invocations to subgroups, and for any subgroup size), then owns columns id, id + #subgroups, …
// of the workgroup's NB = WG / TPC: its lanes split K and one subgroupAdd per row gives the sum.
// CPU reference: src/engine/cpu/layers/matmul.ts matmulForward.
//
// Bindings and uniform: those of engine_matmul_gemv.wgsl (a, b, b4, outp, bias; u).
// Workgroup: WG threads. Dispatch: that of engine_matmul_gemv.wgsl (NB columns per workgroup).

enable subgroups;
// The column loop is subgroup-uniform (the id is broadcast), which the analysis cannot see.
diagnostic(off, subgroup_uniformity);

var<workgroup> sgCounter: atomic<u32>; // subgroups counted in (zero-initialised)

@compute @workgroup_size(WG)
fn main_subgroup(
  @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32,
) {
  var mine = 0u;
  let leader = subgroupElect();
  if (leader) { mine = atomicAdd(&sgCounter, 1u); }
  let id = subgroupBroadcastFirst(mine);
  workgroupBarrier();
  let count = atomicLoad(&sgCounter);
  let NB = WG / TPC;
  for (var c = id; c < NB; c += count) {
    let n = (wid.x + wid.z * nwg.x) * NB + c;
    if (n >= u.N) { break; }
    let acc = gemvColumn(n, lane, size);
    for (var m = 0u; m < MAX_M; m++) {
      let sum = subgroupAdd(acc[m]);
      if (leader && m < u.M) { store(m, n, sum); }
    }
  }
}
