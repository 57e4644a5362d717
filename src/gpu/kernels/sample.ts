// The interface of the GPU sampler (shaders/engine_sample.wgsl; runner src/engine/gpu/layers/sample.ts),
// on the engine kernels' binding convention, checked against the WGSL by
// test/unit/gpu/kernelInterfaces.test.ts.
import { kernel } from './kernel.ts';

export const SAMPLE_KERNEL = kernel({
  files: ['shaders/engine_sample.wgsl', 'shaders/engine_sample_lib.wgsl'],
  entryPoints: ['main'],
  /** logits: f32 bits [R, V] at elem_offset; draws: u32 [R] = ⌊u·2^32⌋; out: [R, RECORD_WORDS] records. */
  bindings: { logits: 'read', draws: 'read', out: 'read_write' },
  uniforms: {
    /** top_p: round(topP·2^32), 0 = off */
    elem_offset: 'u32', vocab: 'u32', top_k: 'u32', top_p: 'u32', temperature: 'f32', _pad0: 'u32', _pad1: 'u32', _pad2: 'u32',
  },
  overrides: { WG: 256 },
  workgroupSize: ['WG'],
  /** A record: (id as i32, entropy, log p(id), status); status low 2 bits: ST_*, upper bits: the first bad column. */
  constants: { RECORD_WORDS: 4, ST_NAN: 1, ST_POS_INF: 2, ST_NO_FINITE: 3 },
});
