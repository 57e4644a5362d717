// The browser's WebGPU adapter, asked for in one place: the engine's device (src/gpu/device.ts),
// the Status screen and ONNX Runtime's backend choice (src/llm/ort/) all come through here, with
// the precise reason when there is none. Imports nothing of the app.

export type GpuUnavailableReason =
  | 'no-navigator-gpu' // browser without WebGPU, or not a secure context (http://localhost is fine)
  | 'no-adapter' // WebGPU exists but no adapter (blocklisted GPU, flags, headless without --enable-unsafe-webgpu)
  | 'limit-too-small' // the adapter cannot give a limit we need
  | 'device-request-failed';

export class GpuUnavailableError extends Error {
  readonly reason: GpuUnavailableReason;
  constructor(reason: GpuUnavailableReason, message: string) {
    super(message);
    this.name = 'GpuUnavailableError';
    this.reason = reason;
  }
}

/**
 * The one place the app asks navigator.gpu for an adapter (the engine's and the self-test's
 * device, the Status screen, ONNX Runtime's backend choice all come through here).
 */
export async function requestGpuAdapter(powerPreference: GPUPowerPreference = 'high-performance'): Promise<GPUAdapter> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) {
    const secure = typeof isSecureContext === 'undefined' || isSecureContext;
    throw new GpuUnavailableError(
      'no-navigator-gpu',
      secure
        ? 'This browser has no WebGPU (navigator.gpu is undefined). Use a recent Chrome/Edge, or Chromium with --enable-unsafe-webgpu.'
        : 'WebGPU needs a secure context: open the page over https or from http://localhost.',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (!adapter) {
    throw new GpuUnavailableError(
      'no-adapter',
      'navigator.gpu.requestAdapter() returned null: no usable GPU adapter (GPU blocklisted, or WebGPU disabled; headless Chromium needs --enable-unsafe-webgpu).',
    );
  }
  return adapter;
}

