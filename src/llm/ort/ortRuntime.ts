// The one file that imports onnxruntime-web (as transformers.js does with backends/onnx.js):
// it configures ort.env (wasm files served by Vite, one thread, the WebGPU device shared with
// our kernels), serialises session creation and runs through one queue (two WebGPU sessions
// cannot be created at once), and counts the GPU tensors it hands out so leaks are visible.
import * as ort from 'onnxruntime-web';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';

export type OrtTensor = ort.Tensor;
export type OrtBackend = 'webgpu' | 'wasm';

export interface OrtValueInfo {
  name: string;
  /** Element type ('float32', 'float16', 'int64', 'bool', …), when the model declares it. */
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

export interface OrtSessionHandle {
  readonly backend: OrtBackend;
  readonly inputs: OrtValueInfo[];
  readonly outputs: OrtValueInfo[];
  /** Runs the session (queued). Outputs listed at creation as GPU outputs come back on the GPU. */
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  /** Sessions that are replaced after a failed run (renewingSession.ts) call this first: drop the old one's tensors. */
  onInvalidate?(listener: () => void): void;
  release(): Promise<void>;
}

/**
 * WASM threads: they need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP/COEP from the
 * server or the site's service worker); without it one thread. At most 4: ORT's own default cap.
 * setWasmThreads (tests, the threads benchmark) forces a count.
 */
let threadOverride: number | undefined;
export function setWasmThreads(n: number): void {
  if (configured) throw new Error('setWasmThreads must be called before the first ONNX session is created');
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`WASM thread count must be a positive integer, got ${n}`);
  threadOverride = n;
}
export function wasmThreads(): number {
  if (threadOverride !== undefined) return threadOverride;
  if (!self.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 1));
}

let configured = false;
function configureEnv(): void {
  if (configured) return;
  configured = true;
  // Served by Vite from node_modules (dev) or emitted as assets (build); no CDN.
  ort.env.wasm.wasmPaths = { wasm: ortWasmUrl, mjs: ortMjsUrl };
  ort.env.wasm.numThreads = wasmThreads();
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}

// One queue for session creation and runs.
let tail: Promise<unknown> = Promise.resolve();
export function enqueue<T>(fn: () => Promise<T>): Promise<T> {
  const next = tail.then(fn, fn);
  tail = next.catch(() => undefined);
  return next;
}

// Live GPU tensors handed out by run() and not yet disposed through disposeTensor().
let liveGpu = 0;
export function liveGpuTensorCount(): number {
  return liveGpu;
}

export function disposeTensor(t: OrtTensor | null | undefined): void {
  if (!t) return;
  if (t.location === 'gpu-buffer') liveGpu--;
  t.dispose();
}

export interface CreateSessionOptions {
  backend: OrtBackend;
  /** External-data files the graph references, by the file name it uses (e.g. model.onnx_data). */
  externalData?: { path: string; data: Uint8Array }[];
  /** Outputs to keep on the GPU (WebGPU only): 'all' (a decoder's logits and present.*) or names. */
  gpuOutputs?: 'all' | string[];
}

export async function createSession(model: Uint8Array, opts: CreateSessionOptions): Promise<OrtSessionHandle> {
  configureEnv();
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [opts.backend],
    graphOptimizationLevel: 'all',
    externalData: opts.externalData,
  };
  if (opts.backend === 'webgpu' && opts.gpuOutputs === 'all') {
    options.preferredOutputLocation = 'gpu-buffer';
  } else if (opts.backend === 'webgpu' && Array.isArray(opts.gpuOutputs) && opts.gpuOutputs.length > 0) {
    options.preferredOutputLocation = Object.fromEntries(opts.gpuOutputs.map((n) => [n, 'gpu-buffer' as const]));
  }
  const session = await enqueue(() => ort.InferenceSession.create(model, options));
  const info = (m: readonly ort.InferenceSession.ValueMetadata[] | undefined, names: readonly string[]) =>
    names.map((name): OrtValueInfo => {
      const meta = m?.find((x) => x.name === name);
      return meta && meta.isTensor ? { name, type: meta.type, shape: meta.shape } : { name };
    });
  const inputs = info(session.inputMetadata, session.inputNames);
  const outputs = info(session.outputMetadata, session.outputNames);
  return {
    backend: opts.backend,
    inputs,
    outputs,
    run: (feeds) =>
      enqueue(async () => {
        const out = (await session.run(feeds)) as Record<string, OrtTensor>;
        for (const t of Object.values(out)) if (t.location === 'gpu-buffer') liveGpu++;
        return out;
      }),
    release: () => enqueue(() => session.release()),
  };
}

/** The GPUDevice ORT's WebGPU backend uses (created on first use), so our kernels can share it. */
export async function ortWebGpuDevice(): Promise<GPUDevice> {
  configureEnv();
  return (await ort.env.webgpu.device) as GPUDevice;
}

export function int64Tensor(values: ArrayLike<number>, dims: number[]): OrtTensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
  return new ort.Tensor('int64', data, dims);
}

export function boolTensor(value: boolean): OrtTensor {
  return new ort.Tensor('bool', new Uint8Array([value ? 1 : 0]), [1]);
}

/** A zero-size CPU tensor (empty past key/value). */
export function emptyTensor(type: 'float32' | 'float16', dims: number[]): OrtTensor {
  return type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
}

export function gpuBufferOf(t: OrtTensor): GPUBuffer {
  return t.gpuBuffer as unknown as GPUBuffer;
}

const ELEMENT_BYTES: Record<string, number> = { float32: 4, float16: 2 };

/**
 * `copies` copies of a [1, H, L, D] tensor stacked along dim 0, keeping only the first `keep`
 * positions of dim 2 ([copies, H, keep, D]; default: all L); null when the layout cannot be copied
 * on the GPU (a span not a multiple of 4 bytes). The caller disposes the result.
 */
export function tileBatch(t: OrtTensor, copies: number, device: GPUDevice | undefined, keep?: number): OrtTensor | null {
  const bytesPer = ELEMENT_BYTES[t.type];
  if (bytesPer === undefined || t.dims.length !== 4) return null;
  const [, H, L, D] = t.dims;
  const n = keep ?? L;
  if (!Number.isInteger(n) || n < 0 || n > L) throw new RangeError(`keep ${n} outside 0…${L}`);
  const dims = [copies, H, n, D];
  // One contiguous span per head: the first n positions of its L × D block.
  const span = n * D;
  if (t.location === 'gpu-buffer') {
    const spanBytes = span * bytesPer;
    if (!device || spanBytes % 4 !== 0 || (L * D * bytesPer) % 4 !== 0) return null;
    const buffer = device.createBuffer({ size: Math.max(4, spanBytes * H * copies), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    if (spanBytes > 0) {
      const enc = device.createCommandEncoder();
      const src = gpuBufferOf(t);
      for (let c = 0; c < copies; c++) {
        if (n === L) enc.copyBufferToBuffer(src, 0, buffer, c * H * spanBytes, H * spanBytes);
        else for (let h = 0; h < H; h++) enc.copyBufferToBuffer(src, h * L * D * bytesPer, buffer, (c * H + h) * spanBytes, spanBytes);
      }
      device.queue.submit([enc.finish()]);
    }
    liveGpu++;
    return ort.Tensor.fromGpuBuffer(buffer as never, { dataType: t.type as 'float32' | 'float16', dims, dispose: () => buffer.destroy() });
  }
  const src = t.data as Float32Array | Uint16Array;
  const out = new (src.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(copies * H * span);
  for (let c = 0; c < copies; c++) {
    for (let h = 0; h < H; h++) out.set(src.subarray(h * L * D, h * L * D + span), (c * H + h) * span);
  }
  return new ort.Tensor(t.type as 'float32' | 'float16', out, dims);
}
