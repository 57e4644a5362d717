// tileBatch (the probe batch's past K/V): copies of a [1, H, L, D] cache stacked along the batch,
// cut at `keep` positions, on the GPU (copyBufferToBuffer per head) and on the CPU (WASM
// sessions), against a plain index-by-index reference.
import { expect, test } from 'vitest';
import * as ort from 'onnxruntime-web';
import { disposeTensor, gpuBufferOf, liveGpuTensorCount, tileBatch } from '../../../src/llm/ort/ortRuntime.ts';
import { readFloat32 } from '../../../src/gpu/buffers.ts';
import { loadTiny } from './loadTiny.ts';

const [H, L, D] = [3, 7, 4];
const source = Float32Array.from({ length: H * L * D }, (_, i) => i + 0.5);

function reference(copies: number, keep: number): Float32Array {
  const out = new Float32Array(copies * H * keep * D);
  for (let c = 0; c < copies; c++) {
    for (let h = 0; h < H; h++) {
      for (let p = 0; p < keep; p++) {
        for (let d = 0; d < D; d++) out[((c * H + h) * keep + p) * D + d] = source[(h * L + p) * D + d];
      }
    }
  }
  return out;
}

test('CPU tensors: copies cut at keep positions', () => {
  const t = new ort.Tensor('float32', source.slice(), [1, H, L, D]);
  for (const [copies, keep] of [[1, L], [3, L], [3, 4], [2, 1], [2, 0]]) {
    const out = tileBatch(t, copies, undefined, keep)!;
    expect(out.dims).toEqual([copies, H, keep, D]);
    expect(Array.from(out.data as Float32Array)).toEqual(Array.from(reference(copies, keep)));
  }
  expect(Array.from(tileBatch(t, 2, undefined)!.data as Float32Array)).toEqual(Array.from(reference(2, L)));
  expect(() => tileBatch(t, 2, undefined, L + 1)).toThrow(/keep/);
});

test('GPU tensors: the same copies on the device, and half-precision spans that are not 4-byte aligned refused', async () => {
  const model = await loadTiny({}, { tokenizer: 'bytes' }); // initialises ORT's WebGPU device
  try {
    const device = model.device!;
    expect(device).toBeDefined();
    const buffer = device.createBuffer({ size: source.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, source);
    const t = ort.Tensor.fromGpuBuffer(buffer as never, { dataType: 'float32', dims: [1, H, L, D] });
    const before = liveGpuTensorCount();
    for (const [copies, keep] of [[3, L], [3, 4], [1, 1]]) {
      const out = tileBatch(t, copies, device, keep)!;
      expect(liveGpuTensorCount()).toBe(before + 1);
      expect(out.dims).toEqual([copies, H, keep, D]);
      const got = await readFloat32(device, gpuBufferOf(out), copies * H * keep * D);
      expect(Array.from(got)).toEqual(Array.from(reference(copies, keep)));
      disposeTensor(out);
      expect(liveGpuTensorCount()).toBe(before);
    }
    // float16 [1, 1, 3, 1]: a 1-position span is 2 bytes, which copyBufferToBuffer cannot copy
    const half = device.createBuffer({ size: 8, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const h16 = ort.Tensor.fromGpuBuffer(half as never, { dataType: 'float16', dims: [1, 1, 3, 1] });
    expect(tileBatch(h16, 2, device, 1)).toBeNull();
    buffer.destroy();
    half.destroy();
  } finally {
    await model.dispose();
  }
});
