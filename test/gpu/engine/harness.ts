// Running single layer runners in tests: upload float64 data as f32 (optionally behind a junk
// prefix, to exercise element offsets), record one dispatch group, read results back.
import { readFloat32, uploadBuffer } from '../../../src/gpu/buffers.ts';
import type { GpuContext } from '../../../src/gpu/device.ts';
import { Recorder } from '../../../src/engine/gpu/encoding.ts';
import { at, type GpuTensor, type WeightDType } from '../../../src/engine/gpu/tensor.ts';
import { fromHalfBits, toHalfBits } from '../../../src/numeric/halfFloat.ts';

export class Harness {
  readonly ctx: GpuContext;
  readonly rec: Recorder;
  private readonly buffers: GPUBuffer[] = [];

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
    this.rec = new Recorder(ctx);
  }

  /** f32 copy of `data` placed after `pad` junk elements; returns the tensor (buffer + offset). */
  f32(data: ArrayLike<number>, pad = 0): GpuTensor {
    const a = new Float32Array(pad + data.length).fill(123.5);
    a.set(Array.from(data), pad);
    const buf = uploadBuffer(this.ctx.device, a);
    this.buffers.push(buf);
    return at(buf, pad);
  }

  /**
   * A weight at file precision after `pad` junk elements (odd pads put a half tensor in the high
   * half of a word), and the values it holds (the data rounded to its dtype) for the reference.
   */
  weight(data: ArrayLike<number>, dtype: WeightDType, pad = 0): { t: GpuTensor; values: Float64Array } {
    if (dtype === 'f32') return { t: this.f32(data, pad), values: Float64Array.from(Float32Array.from(Array.from(data))) };
    const bits = toHalfBits(Array.from(data), dtype);
    const words = new Uint16Array(pad + bits.length).fill(toHalfBits([123.5], dtype)[0]);
    words.set(bits, pad);
    const buf = uploadBuffer(this.ctx.device, words);
    this.buffers.push(buf);
    return { t: at(buf, pad, dtype), values: Float64Array.from(fromHalfBits(bits, dtype)) };
  }

  zeros(n: number, pad = 0): GpuTensor {
    return this.f32(new Float64Array(n), pad);
  }

  i32(data: Int32Array): GPUBuffer {
    const buf = uploadBuffer(this.ctx.device, data);
    this.buffers.push(buf);
    return buf;
  }

  /** Record with `fn`, submit, and wait. */
  async run(fn: (rec: Recorder) => void): Promise<void> {
    this.rec.begin();
    fn(this.rec);
    this.rec.submit();
    await this.ctx.device.queue.onSubmittedWorkDone();
  }

  async read(t: GpuTensor, n: number): Promise<Float32Array> {
    return readFloat32(this.ctx.device, t.buf, n, t.off * 4);
  }

  dispose(): void {
    for (const b of this.buffers) b.destroy();
    this.rec.destroy();
  }
}
