import { expect, test } from 'vitest';

test('headless Chromium exposes a real WebGPU adapter', async () => {
  expect(navigator.gpu).toBeDefined();
  const adapter = await navigator.gpu.requestAdapter();
  expect(adapter).not.toBeNull();
  const device = await adapter!.requestDevice();
  expect(device.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
  console.log('adapter', adapter!.info.vendor, adapter!.info.architecture);
  device.destroy();
});
