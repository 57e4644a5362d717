// The trained part of a LoRA model on the GPU: the flat adapter vector (./loraLayout.ts; a critic
// appends its value head; or every weight, src/engine/full/), its gradient and AdamW's m and v — four f32 buffers of `total` elements
// — stepped by the engine's AdamW kernel (src/engine/gpu/layers/adamw.ts, global-norm clipping,
// non-finite steps skipped). Reads back only what is asked for: the optimizer's 2-word state per
// step, the adapters on getParams.
import type { GpuContext } from '../../gpu/device.ts';
import { createBuffer, readFloat32, STORAGE, uploadBuffer, writeBuffer } from '../../gpu/buffers.ts';
import { validateAdamW } from '../adamwConfig.ts';
import type { AdamWConfig, StepResult } from '../types.ts';
import type { Recorder } from '../gpu/encoding.ts';
import { adamwStep, MAX_RANGES } from '../gpu/layers/adamw.ts';
import { submitAndRead } from '../gpu/readback.ts';
import { validateParams } from '../gpu/validate.ts';

export interface OptimizerState { m: Float32Array; v: Float32Array; t: number }

export class GpuAdapters {
  readonly total: number;
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  private readonly m: GPUBuffer;
  private readonly v: GPUBuffer;
  private readonly state: GPUBuffer;
  private readonly ranges: [number, number][];
  private readonly ctx: GpuContext;
  private readonly what: string;
  t = 0;

  /** `decay`: element ranges [start, end) that get weight decay; `initial` a count: zeros, filled on the GPU by the caller. */
  constructor(ctx: GpuContext, initial: Float32Array | number, decay: [number, number][], what: string) {
    if (typeof initial !== 'number') validateParams(initial, initial.length, what);
    if (decay.length > MAX_RANGES) throw new RangeError(`${what}: ${decay.length} weight-decay ranges, the AdamW kernel holds ${MAX_RANGES}`);
    this.ctx = ctx;
    this.what = what;
    this.total = typeof initial === 'number' ? initial : initial.length;
    this.ranges = decay;
    const d = ctx.device;
    const zeros = (label: string) => createBuffer(d, this.total * 4, STORAGE, `${what} ${label}`); // WebGPU zero-fills new buffers
    this.params = typeof initial === 'number' ? zeros('params') : uploadBuffer(d, initial, STORAGE, `${what} params`);
    this.grads = zeros('grads');
    this.m = zeros('adam m');
    this.v = zeros('adam v');
    this.state = uploadBuffer(d, new Uint32Array(2), STORAGE, `${what} opt state`);
  }

  zeroGrad(): void {
    const enc = this.ctx.device.createCommandEncoder();
    enc.clearBuffer(this.grads);
    this.ctx.device.queue.submit([enc.finish()]);
  }

  async step(rec: Recorder, opt: AdamWConfig): Promise<StepResult> {
    validateAdamW(opt);
    rec.begin();
    adamwStep(rec, { params: this.params, grads: this.grads, m: this.m, v: this.v, state: this.state }, this.total, this.t + 1, opt, this.ranges);
    const [state] = await submitAndRead(rec, [{ buf: this.state, offset: 0, bytes: 8 }]);
    const gradNorm = Math.sqrt(new Float32Array(state, 0, 1)[0]);
    if (!Number.isFinite(gradNorm) || new Uint32Array(state, 4, 1)[0] !== 0) return { gradNorm, skipped: true };
    this.t++;
    return { gradNorm, skipped: false };
  }

  getParams(): Promise<Float32Array> {
    return readFloat32(this.ctx.device, this.params, this.total);
  }

  getGrads(): Promise<Float32Array> {
    return readFloat32(this.ctx.device, this.grads, this.total);
  }

  setParams(p: Float32Array): void {
    validateParams(p, this.total, this.what);
    writeBuffer(this.ctx.device, this.params, p);
  }

  async getOptimizerState(): Promise<OptimizerState> {
    return { m: await readFloat32(this.ctx.device, this.m, this.total), v: await readFloat32(this.ctx.device, this.v, this.total), t: this.t };
  }

  setOptimizerState(s: OptimizerState): void {
    validateParams(s.m, this.total, `${this.what} optimizer state m`);
    validateParams(s.v, this.total, `${this.what} optimizer state v`);
    if (!Number.isInteger(s.t) || s.t < 0) throw new RangeError(`optimizer state t must be an integer >= 0, got ${s.t}`);
    writeBuffer(this.ctx.device, this.m, s.m);
    writeBuffer(this.ctx.device, this.v, s.v);
    this.t = s.t;
  }

  /** Bytes of the adapters with their gradient, and of AdamW's state. */
  get bytes(): { adapters: number; optimizer: number } {
    return { adapters: this.params.size + this.grads.size, optimizer: this.m.size + this.v.size + this.state.size };
  }

  destroy(): void {
    for (const b of [this.params, this.grads, this.m, this.v, this.state]) b.destroy();
  }
}
