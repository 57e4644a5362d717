// SFT of the toy reasoner with PyTorch on the CPU (scripts/train-toy/torchSft.py), for machines
// where both the float64 reference and SwiftShader are too slow: the same batches (dumpBatches.ts,
// runSft's rng stream), the same initial weights, architecture and recipe. The trained weights are
// checked against the TypeScript CPU model before anything is written: the loss of the first batch
// under the final weights must agree to 1e-4 between the two implementations.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuModel } from '../../src/engine/cpu/cpuModel.ts';
import { buildSftBatch } from '../../src/task/sft.ts';
import { meanCrossEntropy, trimBatch } from '../../src/engine/sft.ts';
import { dumpBatches } from './dumpBatches.ts';
import { modelFiles } from './outputs.ts';
import { mergeSpec, type TrainToySpec } from './spec.ts';
import { Rng } from '../../src/sampling/rng.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = process.env.TOY_PYTHON ?? '/usr/bin/python3';

export async function trainWithTorch(given: Partial<TrainToySpec>, out: string, onLog: (line: string) => void): Promise<void> {
  const spec = mergeSpec({ ...given, mode: 'train' });
  const work = join(root, 'artifacts/train-toy/torch');
  mkdirSync(work, { recursive: true });
  onLog(`engine torch (float32, ${PYTHON}); model ${JSON.stringify(spec.model)}; ${spec.sft.steps} steps × B=${spec.sft.batchSize}`);
  dumpBatches(spec, work);
  await new Promise<void>((resolve, reject) => {
    // One BLAS thread: the machine this was written for has 2 cores shared by many jobs.
    const env = { OPENBLAS_NUM_THREADS: '1', ...process.env };
    const p = spawn(PYTHON, [join(root, 'scripts/train-toy/torchSft.py'), work], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const lines = (buf: Buffer) => { for (const l of buf.toString().split('\n')) if (l.trim()) onLog(l); };
    p.stdout.on('data', lines);
    p.stderr.on('data', lines);
    p.on('error', (e) => reject(new Error(`train:toy: could not start ${PYTHON} (PyTorch needed for --engine torch): ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`train:toy: torchSft.py exited with ${code}`))));
  });
  const params = new Float32Array(new Uint8Array(readFileSync(join(work, 'params.f32'))).buffer);
  const { logs, seconds, checkLoss } = JSON.parse(readFileSync(join(work, 'losses.json'), 'utf8')) as { logs: unknown[]; seconds: number; checkLoss: number };

  // Cross-check: the TypeScript reference on the same first batch, under the trained weights.
  const model = new CpuModel(spec.model, params);
  const batch = trimBatch(buildSftBatch(new Rng(spec.sft.seed), spec.sft.batchSize, spec.model.blockSize - 1, spec.sft.mix, { ...spec.sft.problem, split: 'train' }));
  const { logProbs } = await model.forward(batch.inputs, batch.targets, batch.B, batch.T);
  const tsLoss = meanCrossEntropy(logProbs, batch.targets);
  onLog(`cross-check, first batch under the trained weights: torch loss ${checkLoss.toFixed(6)}, TypeScript CPU model ${tsLoss.toFixed(6)}`);
  if (!(Math.abs(tsLoss - checkLoss) < 1e-4)) throw new Error(`train:toy: the torch and TypeScript losses disagree (${checkLoss} vs ${tsLoss}): nothing written`);

  onLog(`trained ${spec.sft.steps} steps in ${seconds.toFixed(0)} s`);
  const recipe = { ...spec, engine: 'torch' } as TrainToySpec;
  const files = { ...modelFiles(spec.model, params, recipe, spec.sft.steps) };
  files['train-log.jsonl'] = new TextEncoder().encode(`${logs.map((l) => JSON.stringify(l)).join('\n')}\n`);
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(out, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    onLog(`[train:toy] wrote ${name} (${bytes.byteLength} bytes)`);
  }
}
