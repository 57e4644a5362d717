// Which kernel variant suits this adapter. Software adapters (SwiftShader, the CPU-emulated
// WebGPU the tests run on) execute workgroup memory and barriers very slowly and have no memory
// bandwidth to save, so they get the register-tiled kernels without shared memory; real GPUs get
// the workgroup-memory tiled / split-K variants that make llama.cpp's and WebLLM's kernels fast.
// Tests run both variants on SwiftShader against the CPU reference (`forceKernelProfile`).
import type { GpuContext } from './device.ts';

export type KernelProfile = 'software' | 'hardware';

const forced = new WeakMap<GPUDevice, KernelProfile>();

/** True for CPU-emulated adapters (SwiftShader, or anything the browser marks as a fallback adapter). */
export function isSoftwareAdapter(info: { vendor: string; architecture: string; description: string }): boolean {
  const s = `${info.vendor} ${info.architecture} ${info.description}`.toLowerCase();
  return s.includes('swiftshader') || s.includes('llvmpipe') || s.includes('lavapipe') || s.includes('warp');
}

export function kernelProfile(ctx: GpuContext): KernelProfile {
  return forced.get(ctx.device) ?? (isSoftwareAdapter(ctx.adapterInfo) ? 'software' : 'hardware');
}

/** Pin a device's profile (tests: run the hardware variants on SwiftShader; null = back to detection). */
export function forceKernelProfile(ctx: GpuContext, profile: KernelProfile | null): void {
  if (profile) forced.set(ctx.device, profile);
  else forced.delete(ctx.device);
}
