// The GPU sampler's runner (shaders/engine_sample.wgsl): one token per logits row with the
// semantics of src/sampling/sampleToken.ts, recorded into the same submission as the LM head, so
// a generation step reads back 16 bytes per row instead of V floats.
//
// Usage (one decode step of R rows):
//   const sampler = new GpuSampler(device, maxRows);            // once
//   rec.begin(); …forward…; sampler.record(rec, logits, R, V, opts, rng);
//   const { ids, entropy, logp } = await sampler.read(rec);     // submits the recording
// record() draws the R uniforms from `rng` on the CPU in row order — one per row, none at
// temperature 0 — exactly as R sampleToken calls would, so a seed gives the same stream as the
// CPU path. read() throws an error naming the row when a row holds NaN / +Infinity or only −Infinity.
import { kernelProfile } from '../../../gpu/adapterProfile.ts';
import type { GpuContext } from '../../../gpu/device.ts';
import { SAMPLE_KERNEL } from '../../../gpu/kernels/sample.ts';
import type { UniformSource } from '../../../sampling/rng.ts';
import { checkDrawOptions, type DrawOptions } from '../../../sampling/sampleToken.ts';
import type { Recorder } from '../encoding.ts';
import { submitAndRead } from '../readback.ts';
import type { GpuTensor } from '../tensor.ts';

const { RECORD_WORDS, ST_NAN, ST_POS_INF, ST_NO_FINITE } = SAMPLE_KERNEL.constants;
/** Bytes of one row's output record: (id i32, entropy f32, log p f32, status u32). */
export const SAMPLE_RECORD_BYTES = RECORD_WORDS * 4;

/** What the sampler returns per row. */
export interface SampledRows {
  ids: Int32Array;
  /** entropy (nats) of softmax(row) at temperature 1, as rowEntropy */
  entropy: Float32Array;
  /** log p(id) under softmax(row) at temperature 1 */
  logp: Float32Array;
}

const TWO32 = 2 ** 32;
/** The smallest normal f32: a smaller positive temperature would flush to 0 on the GPU. */
const MIN_NORMAL_F32 = 2 ** -126;

/**
 * The uniforms of one sampling step of R rows, as the kernel reads them (⌊u·2^32⌋): drawn in row
 * order, one per row, as R calls of sampleToken would draw them (none at temperature 0: the
 * stream is left untouched).
 */
export function drawUniforms(rng: UniformSource, R: number, temperature: number): Uint32Array<ArrayBuffer> {
  const u = new Uint32Array(R);
  if (temperature === 0) return u;
  for (let r = 0; r < R; r++) u[r] = Math.floor(rng.uniform() * TWO32);
  return u;
}

/**
 * Record the sampler: rows [R, V] of f32 `logits` (row r at element logits.off + r·V), uniforms
 * `draws` u32 [R] at offset 0 (drawUniforms), records out [R, 4] words at offset 0 (see SAMPLE_RECORD_BYTES).
 */
export function sampleRows(
  rec: Recorder, out: GPUBuffer, logits: GpuTensor, draws: GPUBuffer, R: number, V: number, opts: DrawOptions,
  wg = sampleWorkgroup(rec.ctx),
): void {
  checkSampleArgs(out, logits, draws, R, V, opts);
  const t = opts.temperature;
  rec.dispatch(SAMPLE_KERNEL, 'main', { logits: logits.buf, draws, out }, {
    elem_offset: logits.off,
    vocab: V,
    top_k: Math.min(opts.topK, V),
    // a 32-bit fraction; 0 = off (topP = 1)
    top_p: opts.topP === 1 ? 0 : Math.min(Math.max(Math.round(opts.topP * TWO32), 1), TWO32 - 1),
    temperature: t > 0 && t < MIN_NORMAL_F32 ? MIN_NORMAL_F32 : t,
  }, [R], { WG: wg });
}

function checkSampleArgs(out: GPUBuffer, logits: GpuTensor, draws: GPUBuffer, R: number, V: number, opts: DrawOptions): void {
  checkDrawOptions(opts);
  if (logits.dtype && logits.dtype !== 'f32') throw new TypeError(`sampleRows: logits must be f32, got ${logits.dtype}`);
  if (!Number.isInteger(R) || R < 0) throw new RangeError(`sampleRows: R must be an integer >= 0, got ${R}`);
  // the status word keeps the first bad column in its upper 30 bits
  if (!Number.isInteger(V) || V < 1 || V >= 2 ** 30) throw new RangeError(`sampleRows: V must be an integer in [1, 2^30), got ${V}`);
  if ((logits.off + R * V) * 4 > logits.buf.size) {
    throw new RangeError(`sampleRows: ${R} rows of ${V} from element ${logits.off} run past the logits buffer (${logits.buf.size} bytes)`);
  }
  if (R * SAMPLE_RECORD_BYTES > out.size || R * 4 > draws.size) throw new RangeError(`sampleRows: out or draws too small for ${R} rows`);
}

/**
 * Threads per row: a software adapter (SwiftShader) runs a workgroup's barriers very slowly and
 * gains nothing from more threads per row (it spreads rows over its cores), so it gets a small group.
 */
export function sampleWorkgroup(ctx: GpuContext): number {
  return kernelProfile(ctx) === 'software' ? SOFTWARE_WG : SAMPLE_KERNEL.overrides.WG;
}
const SOFTWARE_WG = 16;

/** Decode R records (as read back from `out`); a bad row throws, naming the row and the column. */
export function decodeSampled(bytes: ArrayBuffer, R: number): SampledRows {
  const words = new Uint32Array(bytes, 0, R * RECORD_WORDS);
  const ints = new Int32Array(bytes, 0, R * RECORD_WORDS);
  const floats = new Float32Array(bytes, 0, R * RECORD_WORDS);
  const res: SampledRows = { ids: new Int32Array(R), entropy: new Float32Array(R), logp: new Float32Array(R) };
  for (let r = 0; r < R; r++) {
    const o = r * RECORD_WORDS;
    const status = words[o + 3];
    if (status !== 0) throw new RangeError(`sampler row ${r}: ${statusText(status)}`);
    res.ids[r] = ints[o];
    res.entropy[r] = floats[o + 1];
    res.logp[r] = floats[o + 2];
  }
  return res;
}

function statusText(status: number): string {
  const kind = status & 3;
  const col = status >>> 2;
  if (kind === ST_NAN) return `logits[${col}] is NaN`;
  if (kind === ST_POS_INF) return `logits[${col}] is Infinity`;
  if (kind === ST_NO_FINITE) return 'logits are -Infinity everywhere: no token can be drawn';
  return `unknown status ${status}`;
}

/** Holds the uniforms and output buffers of up to maxRows rows; one step in flight at a time. */
export class GpuSampler {
  /** [maxRows, 4] records of the last recorded step (ids at word 4r), for chaining on the GPU. */
  readonly out: GPUBuffer;
  private readonly draws: GPUBuffer;
  private readonly device: GPUDevice;
  readonly maxRows: number;
  private pending = -1; // rows recorded and not yet read

  constructor(device: GPUDevice, maxRows: number) {
    this.device = device;
    this.maxRows = maxRows;
    const n = Math.max(1, maxRows);
    this.out = device.createBuffer({ size: n * SAMPLE_RECORD_BYTES, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, label: 'sampler out' });
    this.draws = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, label: 'sampler draws' });
  }

  /** Draw R uniforms from rng (as sampleToken would) and record the sampler on rows [R, V] of logits. */
  record(rec: Recorder, logits: GpuTensor, R: number, V: number, opts: DrawOptions, rng: UniformSource): void {
    if (this.pending >= 0) throw new Error('GpuSampler.record: the previous step was not read yet');
    if (R > this.maxRows) throw new RangeError(`GpuSampler.record: ${R} rows, sized for ${this.maxRows}`);
    checkSampleArgs(this.out, logits, this.draws, R, V, opts); // a refused call leaves the stream untouched
    const u = drawUniforms(rng, R, opts.temperature);
    // queued before the recording's submit, so the dispatch sees these values
    if (R > 0) this.device.queue.writeBuffer(this.draws, 0, u);
    sampleRows(rec, this.out, logits, this.draws, R, V, opts);
    this.pending = R;
  }

  /** Submit the recording (with a copy of the records appended) and return the step's rows. */
  async read(rec: Recorder): Promise<SampledRows> {
    const R = this.pending;
    if (R < 0) throw new Error('GpuSampler.read: nothing recorded');
    this.pending = -1;
    const [bytes] = await submitAndRead(rec, [{ buf: this.out, offset: 0, bytes: R * SAMPLE_RECORD_BYTES }]);
    return decodeSampled(bytes, R);
  }

  destroy(): void {
    this.out.destroy();
    this.draws.destroy();
  }
}
