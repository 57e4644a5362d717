// What the logits-kernel speedup suites (./fusedLogits.ts, ./topKKernel.ts) share: random [T, V]
// f32 logits already in a GPU storage buffer, as a model would leave them, and the race of (a) a
// kernel that reads them on the GPU against (b) reading the whole buffer back and doing the same
// in JS — warmed up and checked to agree first, then interleaved; value = median(b) / median(a).
import { createBuffer, STORAGE, writeBuffer } from '../../src/gpu/buffers.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import type { GpuLogits } from '../../src/gpu/logitsRows.ts';
import { randomLogits } from '../../src/gpu/selfTest.ts';
import type { BenchEntry } from './index.ts';
import { median } from './median.ts';

export interface ReadbackRace<R> {
  /** the entry's name, e.g. 'fused-logits-speedup' */
  name: string;
  /** buffer label; the logits' seed (each 16 rows from seed + first row) */
  label: string;
  seed: number;
  T: number;
  V: number;
  reps: number;
  /** what the log lines call the kernel side */
  kernelWord: string;
  /** the suite's other sizes, in the entry's detail after T and V (e.g. k) */
  sizes?: Record<string, number>;
  /** the kernel side (built and warmed on the logits), the JS side on the read-back, and a check that throws where they disagree */
  setup(logits: GpuLogits): Promise<{ kernel: () => Promise<R>; js: (x: Float32Array) => R; check: (kernel: R, js: R) => void }>;
}

export async function kernelVsReadback<R>(ctx: GpuContext, log: (line: string) => void, race: ReadbackRace<R>): Promise<BenchEntry> {
  const { T, V, reps } = race;
  const device = ctx.device;
  const bytes = T * V * 4;
  const logitsBuf = createBuffer(device, bytes, STORAGE, race.label);
  for (let r = 0; r < T; r += 16) writeBuffer(device, logitsBuf, randomLogits(16 * V, race.seed + r, 12), r * V * 4);
  const { kernel, js, check } = await race.setup({ buffer: logitsBuf, byteOffset: 0, rows: T, vocab: V, dtype: 'float32' });
  // A staging buffer kept across repetitions: the baseline's best case, not a strawman.
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });

  const readbackJs = async (): Promise<{ out: R; readMs: number }> => {
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(logitsBuf, 0, staging, 0, bytes);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const readMs = performance.now() - t0;
    try {
      return { out: js(new Float32Array(staging.getMappedRange())), readMs };
    } finally {
      staging.unmap();
    }
  };

  try {
    // Warm up both paths and check they agree (a speedup of a wrong answer is worth nothing).
    check(await kernel(), (await readbackJs()).out);
    const kernelMs: number[] = [];
    const jsMs: number[] = [];
    const jsReadMs: number[] = [];
    for (let i = 0; i < reps; i++) { // interleaved, so drift hits both sides alike
      let t0 = performance.now();
      await kernel();
      kernelMs.push(performance.now() - t0);
      t0 = performance.now();
      jsReadMs.push((await readbackJs()).readMs);
      jsMs.push(performance.now() - t0);
      log(`rep ${i + 1}/${reps}: ${race.kernelWord} ${kernelMs[i].toFixed(1)} ms, readback+JS ${jsMs[i].toFixed(1)} ms`);
    }
    const kernelMedianMs = median(kernelMs);
    const jsMedianMs = median(jsMs);
    return {
      name: race.name,
      value: jsMedianMs / kernelMedianMs,
      unit: '×',
      goal: '≥ 10',
      detail: {
        kernelMedianMs, jsMedianMs, jsReadbackMedianMs: median(jsReadMs), T, V, ...race.sizes, reps,
        kernelMs, jsMs,
        adapter: `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`,
      },
    };
  } finally {
    staging.destroy();
    logitsBuf.destroy();
  }
}
