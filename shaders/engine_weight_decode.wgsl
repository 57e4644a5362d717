// engine_weight_decode.wgsl — how the kernels that read hub weights in place decode them; functions
// only (no bindings, no entry point), concatenated after each including kernel at load (its
// declaration in src/gpu/kernels/engine.ts lists both files): engine_matmul*.wgsl,
// engine_encoder_forward.wgsl.
// A weight tensor is bound as array<u32> (src/engine/gpu/tensor.ts): dtype code dt 0 = f32 (one word
// per element, the float's bits); 1 = f16, 2 = bf16, two elements per word, element e in the low 16
// bits when e is even. bf16 is the upper half of an f32, so decoding is a shift.
// CPU reference: src/numeric/halfFloat.ts halfToFloat / bf16ToFloat.

// Element e of a weight tensor from its word w (= words[e] for f32, words[e >> 1] for halves).
fn decodeWeight(w: u32, e: u32, dt: u32) -> f32 {
  if (dt == 0u) { return bitcast<f32>(w); }
  let h = select(w & 0xffffu, w >> 16u, (e & 1u) == 1u);
  if (dt == 1u) { return unpack2x16float(h).x; }
  return bitcast<f32>(h << 16u);
}

// Both elements of a half-precision word (dt 1 or 2): (element 2i, element 2i + 1).
fn decodePair(w: u32, dt: u32) -> vec2<f32> {
  if (dt == 1u) { return unpack2x16float(w); }
  return vec2<f32>(bitcast<f32>(w << 16u), bitcast<f32>(w & 0xffff0000u));
}

// The word holding element e: e for f32, e >> 1 for halves.
fn weightWord(e: u32, dt: u32) -> u32 {
  return select(e >> 1u, e, dt == 0u);
}
