// A safetensors file read from a byte stream (a fetch body, the Cache API, a picked File) tensor by
// tensor: the header first, then each tensor handed over as soon as its byte range has arrived, in
// data order. At most the current chunk plus one tensor is held, so a 1 GB file never sits in
// memory whole; the consumer's (async) callback runs before more is read (backpressure).
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { parseHeaderJson, readHeaderLength, validateHeader, type SafetensorsDtype, type SafetensorsHeader, type TensorInfo } from './safetensorsHeader.ts';

export interface StreamedTensor extends TensorInfo {
  /** Its bytes, little-endian as stored, in their own ArrayBuffer (byteOffset 0): the consumer may keep them. */
  bytes: Uint8Array;
}

export interface StreamOptions {
  /** The file's path, for messages. */
  file: string;
  /** Bytes the stream will deliver (content-length, File.size) when known: offsets are checked against it before any tensor. */
  totalBytes?: number | null;
  dtypes?: readonly SafetensorsDtype[];
  /** Called with the checked header before any tensor is read; throw to refuse the file (e.g. shapes against config.json). */
  onHeader?: (header: SafetensorsHeader) => void | Promise<void>;
  /** Tensors to hand over (default all); the others are skipped without being held. */
  wanted?: (t: TensorInfo) => boolean;
  onTensor: (t: StreamedTensor) => void | Promise<void>;
  /** Bytes of the file read so far. */
  onProgress?: (loaded: number, total: number | null) => void;
  signal?: AbortSignal;
}

/** Reads the whole stream: resolves with the header after the last tensor was handed over. */
export async function streamSafetensors(stream: ReadableStream<Uint8Array>, opts: StreamOptions): Promise<SafetensorsHeader> {
  const { file } = opts;
  const total = opts.totalBytes ?? null;
  const src = new ChunkReader(stream.getReader(), opts);
  try {
    const first8 = await src.take(8, () => `${file} is truncated: the stream ended after ${src.position} bytes, inside the 8-byte header length.`);
    const n = readHeaderLength(first8, file, total);
    const json = await src.take(n, () => `${file} is truncated: the stream ended after ${src.position} bytes, inside the ${n}-byte header.`);
    const entries = validateHeader(parseHeaderJson(json, file), file, { dataBytes: total === null ? null : total - 8 - n, dtypes: opts.dtypes });
    const header: SafetensorsHeader = { ...entries, dataStart: 8 + n };
    await opts.onHeader?.(header);
    // validateHeader guarantees the tensors tile the data: each begins where the last ended.
    for (const t of header.tensors) {
      const truncated = () =>
        `${file} is truncated: the stream ended after ${src.position} bytes, inside tensor "${t.name}" (file bytes ${header.dataStart + t.begin}–${header.dataStart + t.end}).`;
      if (opts.wanted && !opts.wanted(t)) {
        await src.skip(t.end - t.begin, truncated);
        continue;
      }
      const bytes = await src.take(t.end - t.begin, truncated);
      await opts.onTensor({ ...t, bytes });
    }
    const extra = await src.rest();
    if (extra > 0) {
      throw new ModelLoadError('corrupt-file', `${file}: ${extra} bytes follow the last tensor (the header accounts for ${src.position - extra}); corrupt or not a safetensors file.`, { file });
    }
    return header;
  } catch (e) {
    await src.cancel();
    throw e;
  }
}

/** Exact-size reads over a chunked stream, with progress, cancellation and stream errors named. */
class ChunkReader {
  /** Bytes consumed from the stream so far (all of the current chunk counts once it is read). */
  private received = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  private done = false;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly opts: Pick<StreamOptions, 'file' | 'totalBytes' | 'onProgress' | 'signal'>,
  ) {}

  /** Bytes handed out or skipped so far. */
  get position(): number {
    return this.received - (this.chunk.byteLength - this.at);
  }

  /** The next n bytes in a fresh buffer; `truncated` words the error when the stream ends first. */
  async take(n: number, truncated: () => string): Promise<Uint8Array> {
    this.checkAbort();
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (!(await this.fill())) throw new ModelLoadError('corrupt-file', truncated(), { file: this.opts.file });
      const k = Math.min(n - filled, this.chunk.byteLength - this.at);
      out.set(this.chunk.subarray(this.at, this.at + k), filled);
      this.at += k;
      filled += k;
    }
    return out;
  }

  async skip(n: number, truncated: () => string): Promise<void> {
    this.checkAbort();
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) throw new ModelLoadError('corrupt-file', truncated(), { file: this.opts.file });
      const k = Math.min(left, this.chunk.byteLength - this.at);
      this.at += k;
      left -= k;
    }
  }

  /** Reads to the end; the count of bytes that were left. */
  async rest(): Promise<number> {
    let extra = 0;
    while (await this.fill()) {
      extra += this.chunk.byteLength - this.at;
      this.at = this.chunk.byteLength;
    }
    return extra;
  }

  async cancel(): Promise<void> {
    if (!this.done) await this.reader.cancel().catch(() => undefined);
    this.done = true;
  }

  private checkAbort(): void {
    if (this.opts.signal?.aborted) throw new ModelLoadError('aborted', `Reading ${this.opts.file} was cancelled.`, { file: this.opts.file });
  }

  /** Ensures unread bytes in the current chunk; false at the end of the stream. */
  private async fill(): Promise<boolean> {
    const { file, signal } = this.opts;
    while (this.at >= this.chunk.byteLength) {
      if (this.done) return false;
      this.checkAbort();
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await this.reader.read();
      } catch (e) {
        this.done = true;
        if (e instanceof ModelLoadError) throw e;
        if (signal?.aborted || (e as Error)?.name === 'AbortError') throw new ModelLoadError('aborted', `Reading ${file} was cancelled.`, { file, cause: e });
        throw new ModelLoadError('network', `Reading ${file} failed after ${this.received} bytes: ${(e as Error)?.message ?? String(e)}`, { file, cause: e });
      }
      if (r.done) {
        this.done = true;
        return false;
      }
      this.chunk = r.value;
      this.at = 0;
      this.received += r.value.byteLength;
      this.opts.onProgress?.(this.received, this.opts.totalBytes ?? null);
    }
    return true;
  }
}
