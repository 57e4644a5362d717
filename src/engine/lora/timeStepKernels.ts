// Times the kernels an RL step is made of, at a model's shapes, on this device (issue #23 §4: the
// step-time estimate before Start comes from timed kernels, ../estimate/stepEstimate.ts): one
// decoder layer's seven linears at the weights' file precision, and the LM head over one
// vocabulary chunk (scaled to the whole vocabulary), each at a few row counts. The weights are
// zero-filled buffers of the right size and dtype: the kernels' cost does not depend on the values,
// and nothing of the model has to be downloaded. Rows past a cap are not timed (the affine fit
// extrapolates): the timing must stay a few seconds and a few tens of MiB.
import type { GpuContext } from '../../gpu/device.ts';
import { createBuffer } from '../../gpu/buffers.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import type { StepKernelTimings, TimedPoint } from './stepEstimate.ts';
import { Recorder } from '../gpu/encoding.ts';
import { matmulForward } from '../gpu/layers/matmul.ts';
import { at, type WeightDType } from '../gpu/tensor.ts';

/** Largest activation buffer a timing allocates (rows are capped to stay under it). */
const MAX_ACTIVATION_BYTES = 32 * 2 ** 20;
const HEAD_CHUNK = 8192;

/** [in, out] widths of a layer's seven linears. */
function linearShapes(c: LlamaConfig): [number, number][] {
  const q = c.nHead * c.headDim;
  const kv = c.nKvHead * c.headDim;
  const C = c.nEmbd;
  const I = c.intermediateSize;
  return [[C, q], [C, kv], [C, kv], [q, C], [C, I], [C, I], [I, C]];
}

const bytesOf = (elements: number, dtype: WeightDType) => Math.ceil((dtype === 'f32' ? 4 : 2) * elements / 4) * 4;

export async function timeStepKernels(
  ctx: GpuContext, c: LlamaConfig, dtype: WeightDType, rows: readonly number[], reps = 2, maxActivationBytes = MAX_ACTIVATION_BYTES,
): Promise<StepKernelTimings> {
  const { device } = ctx;
  const shapes = linearShapes(c);
  const width = Math.max(...shapes.flat());
  const chunk = Math.min(HEAD_CHUNK, c.vocabSize);
  const cap = Math.max(1, Math.floor(maxActivationBytes / (4 * Math.max(width, chunk))));
  const timedRows = [...new Set(rows.map((r) => Math.min(Math.max(1, Math.round(r)), cap)))].sort((a, b) => a - b);
  const maxRows = timedRows.at(-1)!;
  const weights = shapes.map(([i, o], n) => createBuffer(device, bytesOf(i * o, dtype), undefined, `timing weight ${n}`));
  const head = createBuffer(device, bytesOf(chunk * c.nEmbd, dtype), undefined, 'timing head chunk');
  const inp = createBuffer(device, 4 * maxRows * width, undefined, 'timing input');
  const out = createBuffer(device, 4 * maxRows * Math.max(width, chunk), undefined, 'timing output');
  const rec = new Recorder(ctx);
  const time = async (record: () => void): Promise<number> => {
    let best = Infinity;
    for (let i = 0; i <= reps; i++) { // the first run compiles the pipelines: not counted
      const t0 = performance.now();
      rec.begin();
      record();
      rec.submit();
      await device.queue.onSubmittedWorkDone();
      if (i > 0) best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  try {
    const layer: TimedPoint[] = [];
    const headPoints: TimedPoint[] = [];
    for (const m of timedRows) {
      layer.push({ rows: m, ms: await time(() => shapes.forEach(([i, o], n) => matmulForward(rec, at(out), at(inp), at(weights[n], 0, dtype), null, m, i, o))) });
      const ms = await time(() => matmulForward(rec, at(out), at(inp), at(head, 0, dtype), null, m, c.nEmbd, chunk));
      headPoints.push({ rows: m, ms: ms * (c.vocabSize / chunk) });
    }
    return { layer, head: headPoints };
  } finally {
    rec.destroy();
    for (const b of [...weights, head, inp, out]) b.destroy();
  }
}
