// Read several small GPU ranges back with one staging buffer and one map: the copies are appended
// to the open recording, which is then submitted.
import type { Recorder } from './encoding.ts';

export interface ReadRange {
  buf: GPUBuffer;
  /** byte offset in buf (multiple of 4) */
  offset: number;
  /** bytes (multiple of 4) */
  bytes: number;
}

/** Appends copies of `ranges` to the recording, submits it and returns each range's bytes. */
export async function submitAndRead(rec: Recorder, ranges: ReadRange[]): Promise<ArrayBuffer[]> {
  const total = ranges.reduce((s, r) => s + r.bytes, 0);
  const staging = rec.device.createBuffer({ size: Math.max(4, total), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'engine readback' });
  const enc = rec.commands();
  let o = 0;
  for (const r of ranges) {
    if (r.bytes > 0) enc.copyBufferToBuffer(r.buf, r.offset, staging, o, r.bytes);
    o += r.bytes;
  }
  rec.submit();
  try {
    await staging.mapAsync(GPUMapMode.READ);
    const all = staging.getMappedRange();
    const out: ArrayBuffer[] = [];
    o = 0;
    for (const r of ranges) {
      out.push(all.slice(o, o + r.bytes));
      o += r.bytes;
    }
    return out;
  } finally {
    staging.destroy();
  }
}
