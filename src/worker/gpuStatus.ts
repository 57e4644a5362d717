// WebGPU status and the kernel self-test, run inside the worker (the main thread never touches
// the GPU). The self-test module is looked up with import.meta.glob so the app builds and says
// "not available" while src/gpu/selfTest.ts does not exist yet.
import { acquireGpu, GpuUnavailableError, requestGpuAdapter, type GpuContext } from '../gpu/device.ts';
import type { GpuStatus, SelfTestReport } from './api.ts';
import { ENGINE_SHADER_F16_NOTE, ENGINE_USES_SHADER_F16 } from '../engine/gpu/shaderF16.ts';

/** Limits worth showing: the ones our kernels and ORT size their buffers and dispatches by. */
const KEY_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

let ctxPromise: Promise<GpuContext> | null = null;

/** One device for status + self-test; re-acquired after a loss. */
export function gpuContext(): Promise<GpuContext> {
  if (!ctxPromise) {
    ctxPromise = acquireGpu();
    ctxPromise.then(
      (ctx) => ctx.onLost(() => (ctxPromise = null)),
      () => (ctxPromise = null),
    );
  }
  return ctxPromise;
}

export async function gpuStatus(): Promise<GpuStatus> {
  let ctx: GpuContext;
  try {
    ctx = await gpuContext();
  } catch (e) {
    if (e instanceof GpuUnavailableError) return { available: false, reason: e.reason, message: e.message };
    return { available: false, reason: 'unexpected-error', message: String((e as Error)?.message ?? e) };
  }
  const deviceLimits = ctx.device.limits as unknown as Record<string, number>;
  const adapter = await requestGpuAdapter().catch(() => null);
  const adapterLimits = (adapter?.limits ?? {}) as unknown as Record<string, number>;
  const limits = KEY_LIMITS.map((name) => ({
    name,
    device: Number(deviceLimits[name]),
    adapter: Number(adapterLimits[name] ?? NaN),
  }));
  return {
    available: true,
    adapter: { ...ctx.adapterInfo },
    limits,
    adapterFeatures: adapter ? [...adapter.features].map(String).sort() : [],
    deviceFeatures: [...ctx.features].sort(),
    engineShaderF16: { used: ENGINE_USES_SHADER_F16, note: ENGINE_SHADER_F16_NOTE },
  };
}

type SelfTestModule = typeof import('../gpu/selfTest.ts');
const selfTestModules = import.meta.glob<SelfTestModule>('../gpu/selfTest.ts');

export async function runSelfTest(): Promise<SelfTestReport> {
  const load = selfTestModules['../gpu/selfTest.ts'];
  if (!load) {
    return failed('The kernel self-test is not available in this build (src/gpu/selfTest.ts is missing).');
  }
  try {
    const mod = await load();
    const ctx = await gpuContext();
    const r = await mod.runLogitsSelfTest(ctx);
    const perStatistic: Record<string, number> = { ...r.maxAbsError };
    // Copy only plain fields across the worker boundary.
    return {
      ok: r.ok,
      rows: r.rows,
      vocab: r.vocab,
      maxAbsError: Math.max(...Object.values(perStatistic)),
      perStatistic,
      gpuMs: r.gpuMs,
      cpuMs: r.cpuMs,
      message: r.message,
    };
  } catch (e) {
    const msg = e instanceof GpuUnavailableError ? `${e.reason}: ${e.message}` : String((e as Error)?.message ?? e);
    return failed(`Self-test failed to run: ${msg}`);
  }
}

export function failed(message: string): SelfTestReport {
  return { ok: false, rows: 0, vocab: 0, maxAbsError: NaN, perStatistic: {}, gpuMs: NaN, cpuMs: NaN, message };
}
