// Compute pipelines compiled once per (shader source, entry point, overrides): shader compilation
// is slow (very slow on software adapters) and must never sit on a hot path.
import type { KernelInterface } from './kernelInterface.ts';

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly byKernel = new WeakMap<KernelInterface, Map<string, GPUComputePipeline>>();
  readonly device: GPUDevice;

  constructor(device: GPUDevice) {
    this.device = device;
  }

  get size(): number {
    return this.pipelines.size;
  }

  module(code: string): GPUShaderModule {
    let m = this.modules.get(code);
    if (!m) {
      m = this.device.createShaderModule({ code });
      this.modules.set(code, m);
    }
    return m;
  }

  /** Synchronous creation (first use compiles); auto layout, so bind groups use getBindGroupLayout(0). */
  get(code: string, entryPoint = 'main', constants: Record<string, number> = {}): GPUComputePipeline {
    const key = `${entryPoint}|${JSON.stringify(constants)}|${code}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module: this.module(code), entryPoint, constants },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** Async variant for warm-up, so compilation does not block the first real dispatch. */
  async warm(code: string, entryPoint = 'main', constants: Record<string, number> = {}): Promise<GPUComputePipeline> {
    const key = `${entryPoint}|${JSON.stringify(constants)}|${code}`;
    const hit = this.pipelines.get(key);
    if (hit) return hit;
    const p = await this.device.createComputePipelineAsync({
      layout: 'auto',
      compute: { module: this.module(code), entryPoint, constants },
    });
    this.pipelines.set(key, p);
    return p;
  }

  /**
   * The pipeline of a declared kernel's entry point, with the declared overrides (looked up by
   * object, no key string), or with some of them replaced (a weight dtype, a kernel variant).
   */
  kernel(k: KernelInterface, entryPoint: string, overrides?: Readonly<Record<string, number>>): GPUComputePipeline {
    let byEntry = this.byKernel.get(k);
    if (!byEntry) this.byKernel.set(k, (byEntry = new Map()));
    const key = overrides ? `${entryPoint}|${JSON.stringify(overrides)}` : entryPoint;
    let p = byEntry.get(key);
    if (!p) {
      if (overrides) {
        for (const name of Object.keys(overrides)) {
          if (!(name in k.overrides)) throw new RangeError(`kernel ${k.files[0]}: ${name} is not one of its overrides`);
        }
      }
      byEntry.set(key, (p = this.get(k.source, entryPoint, overrides ? { ...k.overrides, ...overrides } : k.overrides)));
    }
    return p;
  }

  warmKernel(k: KernelInterface, entryPoint: string): Promise<GPUComputePipeline> {
    return this.warm(k.source, entryPoint, k.overrides);
  }
}
