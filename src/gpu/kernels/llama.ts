// The interfaces of the Llama-family layer kernels (RMSNorm, rotary, SwiGLU), declared once as in
// ./engine.ts (checked against their WGSL by test/unit/gpu/kernelInterfaces.test.ts). Tensors are
// rows with an element offset and a row stride, so each kernel runs on a part of a packed buffer.
import { kernel } from './kernel.ts';

const WG64 = { overrides: { WG: 64 }, workgroupSize: ['WG'] } as const;

export const RMSNORM_KERNEL = kernel({
  files: ['shaders/engine_rmsnorm.wgsl'],
  entryPoints: ['rows_main', 'rows_in_place', 'wg_main', 'wg_in_place'],
  bindings: { inp: 'read', outp: 'read_write', weight: 'read', rstd: 'read_write' },
  uniforms: {
    N: 'u32', H: 'u32', D: 'u32', inpOff: 'u32', inpStride: 'u32', outOff: 'u32', outStride: 'u32', wOff: 'u32',
    rstdOff: 'u32', eps: 'f32',
  },
  ...WG64,
});

export const RMSNORM_BACKWARD_KERNEL = kernel({
  files: ['shaders/engine_rmsnorm_backward.wgsl'],
  entryPoints: ['dinp_rows', 'dinp_wg', 'dweight_main'],
  bindings: { dinp: 'read_write', dweight: 'read_write', weight: 'read', dout: 'read', inp: 'read', rstd: 'read' },
  uniforms: {
    N: 'u32', H: 'u32', D: 'u32', dinpOff: 'u32', dinpStride: 'u32', doutOff: 'u32', doutStride: 'u32', inpOff: 'u32',
    inpStride: 'u32', wOff: 'u32', dwOff: 'u32', rstdOff: 'u32', accumulate: 'u32',
  },
  ...WG64,
});

export const ROTARY_KERNEL = kernel({
  files: ['shaders/engine_rotary.wgsl'],
  entryPoints: ['main'],
  bindings: { x: 'read_write', positions: 'read', table: 'read' },
  uniforms: { N: 'u32', H: 'u32', HD: 'u32', xOff: 'u32', xStride: 'u32', P: 'u32', tabOff: 'u32', sign: 'f32' },
  ...WG64,
});

export const SWIGLU_KERNEL = kernel({
  files: ['shaders/engine_swiglu.wgsl'],
  entryPoints: ['main'],
  bindings: { gate: 'read', up: 'read', outp: 'read_write' },
  uniforms: { N: 'u32', I: 'u32', gateOff: 'u32', gateStride: 'u32', upOff: 'u32', upStride: 'u32', outOff: 'u32', outStride: 'u32' },
  ...WG64,
});

export const SWIGLU_BACKWARD_KERNEL = kernel({
  files: ['shaders/engine_swiglu_backward.wgsl'],
  entryPoints: ['main'],
  bindings: { dout: 'read', gate: 'read', up: 'read', dgu: 'read_write' },
  uniforms: {
    N: 'u32', I: 'u32', doutOff: 'u32', doutStride: 'u32', gateOff: 'u32', gateStride: 'u32', upOff: 'u32', upStride: 'u32',
    dgateOff: 'u32', dgateStride: 'u32', dupOff: 'u32', dupStride: 'u32',
  },
  ...WG64,
});
