// Logits handle rows: ONE row read back to the CPU (for sampling the next token), and a view of
// consecutive rows. Whole logits never come back; analytics run on the GPU (src/gpu/logitsStats.ts).
import type { LogitsHandle } from './types.ts';

export { halfToFloat, halvesToFloat32 } from '../numeric/halfFloat.ts';
import { halvesToFloat32 } from '../numeric/halfFloat.ts';

export async function readLogitsRow(handle: LogitsHandle, row: number, device?: GPUDevice): Promise<Float32Array> {
  if (!Number.isInteger(row) || row < 0 || row >= handle.rows) throw new RangeError(`row must be in [0, ${handle.rows}) (got ${row})`);
  const V = handle.vocab;
  if (handle.kind === 'cpu') return handle.data.slice(row * V, (row + 1) * V);
  if (!device) throw new TypeError('readLogitsRow: a GPU logits handle needs the device');
  const elem = handle.dtype === 'float16' ? 2 : 4;
  const start = handle.byteOffset + row * V * elem;
  const alignedStart = start - (start % 4);
  const bytes = Math.ceil((start + V * elem - alignedStart) / 4) * 4;
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(handle.buffer, alignedStart, staging, 0, bytes);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const raw = staging.getMappedRange().slice(start - alignedStart, start - alignedStart + V * elem);
    return handle.dtype === 'float16' ? halvesToFloat32(new Uint16Array(raw)) : new Float32Array(raw);
  } finally {
    staging.destroy();
  }
}

/** Rows [row0, row0 + rows) of a logits handle, without copying (GPU: an offset into the same buffer). */
export function sliceRows(h: LogitsHandle, row0: number, rows: number): LogitsHandle {
  if (row0 < 0 || rows < 0 || row0 + rows > h.rows) throw new RangeError(`rows [${row0}, ${row0 + rows}) outside the handle's ${h.rows} rows`);
  if (h.kind === 'cpu') return { kind: 'cpu', data: h.data.subarray(row0 * h.vocab, (row0 + rows) * h.vocab), rows, vocab: h.vocab };
  const bpe = h.dtype === 'float16' ? 2 : 4;
  return { ...h, byteOffset: h.byteOffset + row0 * h.vocab * bpe, rows };
}
