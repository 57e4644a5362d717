// WebGPU device acquisition that says precisely why it failed, and device-loss notification.
// One GpuContext per device: kernels share its pipeline cache.
import { PipelineCache } from './pipelines.ts';

export { GpuUnavailableError, requestGpuAdapter, type GpuUnavailableReason } from '../platform/gpuAdapter.ts';
import { GpuUnavailableError, requestGpuAdapter } from '../platform/gpuAdapter.ts';

export interface GpuLossInfo {
  reason: GPUDeviceLostReason;
  message: string;
}

export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapterInfo: { vendor: string; architecture: string; description: string; device: string };
  readonly features: string[];
  readonly pipelines: PipelineCache;
  /** Resolves when the device is lost (destroy() gives reason 'destroyed'). */
  readonly lost: Promise<GpuLossInfo>;
  isLost(): boolean;
  onLost(cb: (info: GpuLossInfo) => void): () => void;
}

export interface AcquireOptions {
  /** Limits we need, e.g. { maxStorageBufferBindingSize: 256 << 20 }; asked for up to what the adapter offers. */
  requiredLimits?: Record<string, number>;
  /** Ask for the adapter's maximum storage sizes (useful for big vocabularies); default true. */
  preferLargeBuffers?: boolean;
  powerPreference?: GPUPowerPreference;
}

const BUFFER_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize'] as const;

export async function acquireGpu(opts: AcquireOptions = {}): Promise<GpuContext> {
  const adapter = await requestGpuAdapter(opts.powerPreference);
  const requiredLimits: Record<string, number> = {};
  const adapterLimits = adapter.limits as unknown as Record<string, number>;
  if (opts.preferLargeBuffers ?? true) {
    for (const name of BUFFER_LIMITS) requiredLimits[name] = adapterLimits[name];
  }
  for (const [name, want] of Object.entries(opts.requiredLimits ?? {})) {
    const have = adapterLimits[name];
    if (have === undefined) {
      throw new GpuUnavailableError('limit-too-small', `The adapter does not report the limit ${name}.`);
    }
    if (have < want) {
      throw new GpuUnavailableError(
        'limit-too-small',
        `The GPU adapter's ${name} is ${have}, but ${want} is needed.`,
      );
    }
    requiredLimits[name] = Math.max(want, requiredLimits[name] ?? 0);
  }
  // 'subgroups': reductions of the decoding matmul (engine_matmul_gemv_subgroup.wgsl; kernels check
  // ctx.features). Names as strings: tfjs pulls in an older @webgpu/types whose GPUFeatureName lacks it.
  const features = (['shader-f16', 'timestamp-query', 'subgroups'] as string[]).filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures: features });
  } catch (e) {
    throw new GpuUnavailableError('device-request-failed', `requestDevice failed: ${(e as Error).message}`);
  }
  return wrapDevice(device, adapter.info);
}

/** Wrap a device we did not create (e.g. the one onnxruntime-web uses) so our kernels can share it. */
export function wrapDevice(device: GPUDevice, info?: GPUAdapterInfo): GpuContext {
  const listeners = new Set<(i: GpuLossInfo) => void>();
  let lostInfo: GpuLossInfo | null = null;
  const lost = device.lost.then((l) => {
    lostInfo = { reason: l.reason, message: l.message };
    for (const cb of listeners) cb(lostInfo);
    return lostInfo;
  });
  const ai = info ?? device.adapterInfo;
  return {
    device,
    adapterInfo: {
      vendor: ai?.vendor ?? '',
      architecture: ai?.architecture ?? '',
      description: ai?.description ?? '',
      device: ai?.device ?? '',
    },
    features: [...device.features],
    pipelines: new PipelineCache(device),
    lost,
    isLost: () => lostInfo !== null,
    onLost(cb) {
      if (lostInfo) cb(lostInfo);
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
}
