import { expect, test } from 'vitest';
import { acquireGpu, GpuUnavailableError } from '../../src/gpu/device.ts';
import { readFloat32, uploadBuffer } from '../../src/gpu/buffers.ts';

test('acquireGpu returns a context with adapter info, large buffer limits and a pipeline cache', async () => {
  const ctx = await acquireGpu();
  const adapter = await navigator.gpu.requestAdapter();
  expect(ctx.device.limits.maxStorageBufferBindingSize).toBe(adapter!.limits.maxStorageBufferBindingSize);
  expect(ctx.adapterInfo.vendor.length).toBeGreaterThan(0);
  const code = '@group(0) @binding(0) var<storage, read_write> x: array<f32>;\n@compute @workgroup_size(1) fn main() { x[0] = x[0] * 2.0; }';
  const p1 = ctx.pipelines.get(code);
  const p2 = ctx.pipelines.get(code);
  expect(p1).toBe(p2); // compiled once
  expect(ctx.pipelines.size).toBe(1);
  const buf = uploadBuffer(ctx.device, new Float32Array([21]));
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(p1);
  pass.setBindGroup(0, ctx.device.createBindGroup({ layout: p1.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] }));
  pass.dispatchWorkgroups(1);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
  expect([...(await readFloat32(ctx.device, buf, 1))]).toEqual([42]);
  ctx.device.destroy();
});

test('a limit beyond the adapter gives a precise limit-too-small error', async () => {
  const adapter = await navigator.gpu.requestAdapter();
  const have = adapter!.limits.maxComputeWorkgroupStorageSize;
  const err = await acquireGpu({ requiredLimits: { maxComputeWorkgroupStorageSize: have * 4 } }).catch((e) => e);
  expect(err).toBeInstanceOf(GpuUnavailableError);
  expect(err.reason).toBe('limit-too-small');
  expect(err.message).toContain(`maxComputeWorkgroupStorageSize is ${have}`);
});

test('device loss is reported to listeners', async () => {
  const ctx = await acquireGpu();
  const seen: string[] = [];
  ctx.onLost((i) => seen.push(i.reason));
  ctx.device.destroy();
  const info = await ctx.lost;
  expect(info.reason).toBe('destroyed');
  expect(seen).toEqual(['destroyed']);
  expect(ctx.isLost()).toBe(true);
});
