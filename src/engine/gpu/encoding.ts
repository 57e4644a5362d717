// One recording of GPU work: a command encoder with one compute pass, and an arena of uniform
// slots. Every kernel runner appends one dispatch; `submit` writes all uniforms with a few
// queue.writeBuffer calls and submits everything at once (one submit per forward/backward).
//
// Kernels are dispatched by their declared interface (src/gpu/kernels/engine.ts): buffers by
// binding name at @group(0), the sizes/offsets uniform packed by field name at @group(1)
// @binding(0). Tensors are addressed by element offsets carried in the uniform, because storage
// binding offsets would need 256-byte alignment.
import type { GpuContext } from '../../gpu/device.ts';
import {
  bindGroups, packUniforms, type BindingValues, type EntryPoint, type KernelInterface, type UniformValues,
} from '../../gpu/kernelInterface.ts';

const CHUNK_BYTES = 64 * 1024;

/** Uniform slots, each aligned to minUniformBufferOffsetAlignment, packed into reusable chunks. */
class UniformArena {
  private readonly device: GPUDevice;
  private readonly slotBytes: number;
  private readonly chunks: { buffer: GPUBuffer; staging: ArrayBuffer }[] = [];
  private used = 0; // slots used in this recording

  constructor(device: GPUDevice) {
    this.device = device;
    this.slotBytes = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
  }

  reset(): void {
    this.used = 0;
  }

  alloc(words: ArrayBuffer): GPUBufferBinding {
    if (words.byteLength > this.slotBytes) throw new RangeError(`uniform block of ${words.byteLength} bytes exceeds a slot`);
    const perChunk = CHUNK_BYTES / this.slotBytes;
    const c = Math.floor(this.used / perChunk);
    const offset = (this.used % perChunk) * this.slotBytes;
    if (c === this.chunks.length) {
      this.chunks.push({
        buffer: this.device.createBuffer({ size: CHUNK_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'engine uniforms' }),
        staging: new ArrayBuffer(CHUNK_BYTES),
      });
    }
    new Uint8Array(this.chunks[c].staging, offset, words.byteLength).set(new Uint8Array(words));
    this.used++;
    return { buffer: this.chunks[c].buffer, offset, size: words.byteLength };
  }

  /** Upload the slots used so far (queue-ordered before the submit that follows). */
  flush(): void {
    const perChunk = CHUNK_BYTES / this.slotBytes;
    for (let c = 0; c * perChunk < this.used; c++) {
      const bytes = Math.min(this.used - c * perChunk, perChunk) * this.slotBytes;
      this.device.queue.writeBuffer(this.chunks[c].buffer, 0, this.chunks[c].staging, 0, bytes);
    }
  }

  destroy(): void {
    for (const c of this.chunks) c.buffer.destroy();
    this.chunks.length = 0;
  }
}

export class Recorder {
  readonly ctx: GpuContext;
  private readonly arena: UniformArena;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
    this.arena = new UniformArena(ctx.device);
  }

  get device(): GPUDevice {
    return this.ctx.device;
  }

  /** Start a recording; runners then call dispatch, callers may add copies via `commands`. */
  begin(): void {
    if (this.encoder) throw new Error('Recorder.begin: a recording is already open');
    this.arena.reset();
    this.encoder = this.device.createCommandEncoder({ label: 'engine' });
    this.pass = null;
  }

  /** The command encoder, with the compute pass closed (for copies and clears between dispatches). */
  commands(): GPUCommandEncoder {
    if (!this.encoder) throw new Error('Recorder: no open recording');
    if (this.pass) { this.pass.end(); this.pass = null; }
    return this.encoder;
  }

  /**
   * Append one dispatch of kernel `k`: buffers by binding name (null = not used by this entry
   * point), the uniform block from named fields, the declared overrides (some replaced by
   * `overrides`: a weight dtype, a variant).
   */
  dispatch<K extends KernelInterface>(
    k: K, entry: EntryPoint<K>, buffers: BindingValues<K>, uniforms: UniformValues<K>,
    workgroups: [number, number?, number?], overrides?: Partial<Record<keyof K['overrides'], number>>,
  ): void {
    if (!this.encoder) throw new Error('Recorder: no open recording');
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return; // nothing to do (empty tensor)
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) throw new RangeError(`dispatch ${k.files[0]} ${entry}: ${x}×${y}×${z} workgroups exceeds ${max} per dimension`);
    const pipeline = this.ctx.pipelines.kernel(k, entry, overrides as Record<string, number> | undefined);
    const [g0, g1] = bindGroups(this.device, pipeline, k, buffers, this.arena.alloc(packUniforms(k, uniforms)));
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, g0);
    this.pass.setBindGroup(1, g1);
    this.pass.dispatchWorkgroups(x, y, z);
  }

  /** Close and submit everything recorded since begin(). */
  submit(): void {
    const enc = this.commands();
    this.arena.flush();
    this.device.queue.submit([enc.finish()]);
    this.encoder = null;
  }

  destroy(): void {
    this.arena.destroy();
  }
}

/** Workgroups for n threads at `wg` per group, split over x/y when x would exceed the limit. */
export function grid(n: number, wg: number, maxPerDim = 65535): [number, number] {
  const groups = Math.ceil(n / wg);
  if (groups <= maxPerDim) return [groups, 1];
  const x = maxPerDim;
  return [x, Math.ceil(groups / x)];
}
