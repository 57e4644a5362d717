// Whether our engine's kernels use WebGPU's `shader-f16` feature (issue #23 §4: said on the Status
// screen and the run card). They do not: F16/BF16 weights are stored two per 32-bit word and
// unpacked in the shader (unpack2x16float / a 16-bit shift for BF16, core WGSL), and all arithmetic
// is f32 — so the engine runs the same on adapters with and without the feature.
// test/unit/gpu/shaderF16.test.ts checks that no shader enables f16.
export const ENGINE_USES_SHADER_F16 = false;

export const ENGINE_SHADER_F16_NOTE =
  'not used by our engine: half-precision weights are unpacked to f32 in the shaders (core WGSL), so it runs the same with or without the feature';
