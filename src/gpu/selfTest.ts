// The app's "kernel self-test": seeded random logits through the fused kernel on this device,
// compared with the float64 CPU reference. Tells a user (and a bug report) whether WebGPU
// numerics on their machine can be trusted before any model is loaded.
import { Rng } from '../sampling/rng.ts';
import { uploadBuffer } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { LogitsStatsKernel, type LogitsStats } from './logitsStats.ts';
import { logitsStatsCpu, type LogitsStatsF64 } from './logitsStatsCpu.ts';

export interface SelfTestResult {
  ok: boolean;
  rows: number;
  vocab: number;
  /** Largest |gpu − cpu| per statistic (over rows). */
  maxAbsError: { max: number; logSumExp: number; entropy: number; targetLogProb: number };
  gpuMs: number;
  cpuMs: number;
  message: string;
}

/** The tolerance the kernel promises: |gpu − cpu| ≤ 1e-4 · max(1, |cpu|). */
export function withinTolerance(gpu: number, cpu: number): boolean {
  if (Object.is(gpu, cpu)) return true; // NaN/NaN, −∞/−∞
  return Math.abs(gpu - cpu) <= 1e-4 * Math.max(1, Math.abs(cpu));
}

/** Seeded uniform noise in [−scale, scale), one 32-bit draw per value (fast enough for 10⁷). */
export function randomLogits(count: number, seed: number, scale = 8): Float32Array {
  const out = new Float32Array(count);
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) out[i] = (rng.nextUint32() / 4294967296) * 2 * scale - scale;
  return out;
}

const KEYS = ['max', 'logSumExp', 'entropy', 'targetLogProb'] as const;

function compare(gpu: LogitsStats, cpu: LogitsStatsF64): { maxAbs: SelfTestResult['maxAbsError']; bad: string | null } {
  const maxAbs = { max: 0, logSumExp: 0, entropy: 0, targetLogProb: 0 };
  let bad: string | null = null;
  for (const k of KEYS) {
    for (let r = 0; r < cpu[k].length; r++) {
      const g = gpu[k][r];
      const c = cpu[k][r];
      if (!withinTolerance(g, c)) bad ??= `${k}[${r}]: gpu ${g} vs cpu ${c}`;
      const d = Math.abs(g - c);
      if (!Object.is(g, c)) maxAbs[k] = Math.max(maxAbs[k], Number.isNaN(d) ? Infinity : d);
    }
  }
  return { maxAbs, bad };
}

export async function runLogitsSelfTest(
  ctx: GpuContext,
  opts: { rows?: number; vocab?: number; seed?: number } = {},
): Promise<SelfTestResult> {
  const rows = opts.rows ?? 64;
  const vocab = opts.vocab ?? 32_003; // odd, not a multiple of the workgroup size
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`opts.rows must be an integer ≥ 1, got ${rows}`);
  if (!Number.isInteger(vocab) || vocab < 1) throw new RangeError(`opts.vocab must be an integer ≥ 1, got ${vocab}`);
  const logits = randomLogits(rows * vocab, seed);
  // Row r targets a pseudo-random id; every 7th row has none (−1).
  const targets = new Int32Array(rows);
  for (let r = 0; r < rows; r++) targets[r] = r % 7 === 6 ? -1 : (r * 2654435761 + seed) % vocab >>> 0;

  const kernel = new LogitsStatsKernel(ctx);
  await kernel.warm(); // compilation is not what we time
  const buffer = uploadBuffer(ctx.device, logits);
  try {
    const t0 = performance.now();
    const gpu = await kernel.run({ buffer, byteOffset: 0, rows, vocab, dtype: 'float32' }, targets);
    const gpuMs = performance.now() - t0;
    const t1 = performance.now();
    const cpu = logitsStatsCpu(logits, rows, vocab, targets);
    const cpuMs = performance.now() - t1;
    const { maxAbs, bad } = compare(gpu, cpu);
    const adapter = `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`;
    const message = bad
      ? `FAILED on ${adapter}: ${bad} (tolerance 1e-4·max(1,|x|))`
      : `OK on ${adapter}: ${rows}×${vocab} logits, max |error| ${Math.max(...Object.values(maxAbs)).toExponential(2)}`;
    return { ok: bad === null, rows, vocab, maxAbsError: maxAbs, gpuMs, cpuMs, message };
  } finally {
    buffer.destroy();
  }
}
