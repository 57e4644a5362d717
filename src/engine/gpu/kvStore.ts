// The KV cache of cached inference: one GPU buffer per layer, [2, R, KVD] f32 (keys then values,
// R cache rows of KVD = NKV·HD), and an allocator that hands out contiguous row ranges (regions).
// A sequence's positions live in regions: row r(p) = p < prefixLen ? prefixBase + p
// : ownBase + (p − prefixLen), so a probe or a sampled continuation reads a shared prompt + CoT in
// place (prefixBase) and writes only its own positions (ownBase); see engine_attention_cached.wgsl.
// Growing R reallocates every layer's buffer and copies the old rows (regions keep their bases).
import type { GpuContext } from '../../gpu/device.ts';
import { createBuffer } from '../../gpu/buffers.ts';
import { at, type GpuTensor } from './tensor.ts';

export interface Region { base: number; rows: number }

/** First-fit allocator over [0, capacity) rows; freed ranges merge with their neighbours. */
export class RowAllocator {
  private free: Region[] = [];
  capacity = 0;

  /** Start `rows` rows, or null when no free range is large enough (grow, then retry). */
  alloc(rows: number): Region | null {
    if (!Number.isInteger(rows) || rows <= 0) throw new RangeError(`a region needs a positive row count, got ${rows}`);
    const i = this.free.findIndex((f) => f.rows >= rows);
    if (i < 0) return null;
    const f = this.free[i];
    const r = { base: f.base, rows };
    if (f.rows === rows) this.free.splice(i, 1);
    else this.free[i] = { base: f.base + rows, rows: f.rows - rows };
    return r;
  }

  release(r: Region): void {
    const end = r.base + r.rows;
    if (r.base < 0 || end > this.capacity) throw new RangeError(`region [${r.base}, ${end}) is outside the cache's ${this.capacity} rows`);
    let i = 0;
    while (i < this.free.length && this.free[i].base < r.base) i++;
    const prev = this.free[i - 1], next = this.free[i];
    if ((prev && prev.base + prev.rows > r.base) || (next && end > next.base)) throw new Error(`region [${r.base}, ${end}) released twice`);
    this.free.splice(i, 0, { ...r });
    // merge with the next, then with the previous
    if (next && end === next.base) { this.free[i].rows += next.rows; this.free.splice(i + 1, 1); }
    if (prev && prev.base + prev.rows === r.base) { prev.rows += this.free[i].rows; this.free.splice(i, 1); }
  }

  /** Add rows [capacity, newCapacity) to the free list. */
  grow(newCapacity: number): void {
    if (newCapacity <= this.capacity) return;
    const old = this.capacity;
    this.capacity = newCapacity;
    this.release({ base: old, rows: newCapacity - old });
  }

  /** Rows not allocated. */
  get freeRows(): number {
    return this.free.reduce((s, f) => s + f.rows, 0);
  }
}

export class KvStore {
  readonly layers: number;
  /** elements per cache row: NKV · HD */
  readonly rowWidth: number;
  private readonly ctx: GpuContext;
  private buffers: GPUBuffer[] = [];
  private readonly alloc = new RowAllocator();

  constructor(ctx: GpuContext, layers: number, rowWidth: number) {
    this.ctx = ctx;
    this.layers = layers;
    this.rowWidth = rowWidth;
  }

  /** Rows the cache holds now (grows on demand). */
  get capacity(): number {
    return this.alloc.capacity;
  }

  /** Most rows one layer's buffer can hold on this device. */
  get maxRows(): number {
    const lim = Math.min(this.ctx.device.limits.maxStorageBufferBindingSize, this.ctx.device.limits.maxBufferSize);
    return Math.floor(lim / (2 * this.rowWidth * 4));
  }

  get bytes(): number {
    return this.layers * 2 * this.capacity * this.rowWidth * 4;
  }

  /** Layer l's [2, R, KVD] block (keys at row r: r·KVD, values at (R + r)·KVD). */
  layer(l: number): GpuTensor {
    if (!this.buffers[l]) throw new Error('KvStore.layer before any region was allocated');
    return at(this.buffers[l]);
  }

  /** A region of `rows` rows, growing the cache when needed. */
  allocate(rows: number): Region {
    const r = this.alloc.alloc(rows);
    if (r) return r;
    const need = this.alloc.capacity + rows;
    if (need > this.maxRows) {
      throw new RangeError(`the KV cache needs ${need} rows of ${this.rowWidth * 8} bytes per layer, more than the adapter's largest buffer holds (${this.maxRows} rows: maxStorageBufferBindingSize ${this.ctx.device.limits.maxStorageBufferBindingSize} bytes)`);
    }
    this.resize(Math.min(this.maxRows, Math.max(need, Math.ceil(this.alloc.capacity * 1.5), 256)));
    return this.alloc.alloc(rows)!;
  }

  release(r: Region): void {
    this.alloc.release(r);
  }

  /**
   * Copy `rows` cache rows from `from` to `to` in every layer (keys and values), through a scratch
   * buffer (WebGPU copies never have the same source and destination buffer). Submitted at once.
   */
  copyRows(from: number, to: number, rows: number): void {
    if (rows <= 0) return;
    const d = this.ctx.device;
    const W = this.rowWidth * 4;
    const R = this.capacity;
    const tmp = createBuffer(d, 2 * this.layers * rows * W, undefined, 'engine kv copy');
    const enc = d.createCommandEncoder();
    this.buffers.forEach((b, l) => {
      const t = 2 * l * rows * W;
      enc.copyBufferToBuffer(b, from * W, tmp, t, rows * W);
      enc.copyBufferToBuffer(b, (R + from) * W, tmp, t + rows * W, rows * W);
    });
    this.buffers.forEach((b, l) => {
      const t = 2 * l * rows * W;
      enc.copyBufferToBuffer(tmp, t, b, to * W, rows * W);
      enc.copyBufferToBuffer(tmp, t + rows * W, b, (R + to) * W, rows * W);
    });
    d.queue.submit([enc.finish()]);
    tmp.destroy(); // destroyed after the queued copies complete (WebGPU keeps it alive until then)
  }

  private resize(R: number): void {
    const d = this.ctx.device;
    const old = this.buffers;
    const oldR = this.alloc.capacity;
    const W = this.rowWidth * 4;
    this.buffers = Array.from({ length: this.layers }, (_, l) => createBuffer(d, 2 * R * W, undefined, `engine kv layer ${l}`));
    if (oldR > 0) {
      const enc = d.createCommandEncoder();
      old.forEach((b, l) => {
        enc.copyBufferToBuffer(b, 0, this.buffers[l], 0, oldR * W);
        enc.copyBufferToBuffer(b, oldR * W, this.buffers[l], R * W, oldR * W);
      });
      d.queue.submit([enc.finish()]);
    }
    for (const b of old) b.destroy();
    this.alloc.grow(R);
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers = [];
  }
}
