// SFT of the toy Llama with PyTorch on the CPU (scripts/train-toy/torchLlamaSft.py, the torch
// reference's forward): the toy GPT-2s' batches (dumpBatches.ts, runSft's rng stream) and recipe.
// Before anything is written to the model folder the trained weights are checked against the
// engine's float64 CPU reference (src/engine/cpu/forward.ts over src/engine/hf/llamaCpuWeights.ts):
// the loss of the first batch under the final weights must agree to 1e-4 between the two.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { llamaConfigFromHf } from '../../src/engine/hf/hfConfig.ts';
import { decodeSafetensors, llamaCpuWeights } from '../../src/engine/hf/llamaCpuWeights.ts';
import { cpuForwardLogits } from '../../src/engine/cpu/forward.ts';
import { trimBatch } from '../../src/engine/sft.ts';
import { buildSftBatch } from '../../src/task/sft.ts';
import { Rng } from '../../src/sampling/rng.ts';
import { writeBatches } from './dumpBatches.ts';
import { toyLlamaConfigJson, toyLlamaFolderFiles, type ToyLlamaSpec } from './llamaSpec.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const PYTHON = process.env.TOY_PYTHON ?? '/usr/bin/python3';

/** Mean CE over the first batch's targets on the float64 CPU reference (one forward per row). */
export function cpuFirstBatchLoss(spec: ToyLlamaSpec, configJson: Record<string, unknown>, weights: Uint8Array): number {
  const cfg = llamaConfigFromHf(configJson);
  const w = llamaCpuWeights(cfg, decodeSafetensors([weights]));
  const { sft } = spec;
  const b = trimBatch(buildSftBatch(new Rng(sft.seed), sft.batchSize, cfg.blockSize - 1, sft.mix, { ...sft.problem, split: 'train' }));
  const V = cfg.vocabSize;
  let sum = 0;
  let n = 0;
  for (let r = 0; r < b.B; r++) {
    const row = Array.from(b.inputs.subarray(r * b.T, (r + 1) * b.T));
    const tg = b.targets.subarray(r * b.T, (r + 1) * b.T);
    const len = tg.findLastIndex((t) => t >= 0) + 1; // causal: positions after the last target change nothing
    if (len === 0) continue;
    const logits = cpuForwardLogits(cfg, w, row.slice(0, len));
    for (let t = 0; t < len; t++) {
      if (tg[t] < 0) continue;
      const z = logits.subarray(t * V, (t + 1) * V);
      const m = Math.max(...z);
      sum -= z[tg[t]] - m - Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
      n++;
    }
  }
  return sum / n;
}

export interface LlamaTrainResult { seconds: number; finalLoss: number; steps: number; torchLoss: number; cpuLoss: number }

export async function trainLlamaWithTorch(spec: ToyLlamaSpec, out: string, onLog: (line: string) => void): Promise<LlamaTrainResult> {
  const work = join(root, 'artifacts/train-toy/torch-llama');
  mkdirSync(work, { recursive: true });
  const configJson = toyLlamaConfigJson(spec.llama);
  onLog(`engine torch (float32, ${PYTHON}); llama ${JSON.stringify(spec.llama)}; ${spec.sft.steps} steps × B=${spec.sft.batchSize}`);
  writeBatches(spec.sft, Number(configJson.max_position_embeddings), Number(configJson.vocab_size), work);
  writeFileSync(join(work, 'job.json'), JSON.stringify({ config: configJson, sft: spec.sft, initSeed: spec.initSeed, recipe: spec }));
  await new Promise<void>((resolve, reject) => {
    // One BLAS thread: the machine this was written for has 2 cores shared by many jobs.
    const env = { OPENBLAS_NUM_THREADS: '1', ...process.env };
    const p = spawn(PYTHON, [join(root, 'scripts/train-toy/torchLlamaSft.py'), work], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const lines = (buf: Buffer) => { for (const l of buf.toString().split('\n')) if (l.trim()) onLog(l); };
    p.stdout.on('data', lines);
    p.stderr.on('data', lines);
    p.on('error', (e) => reject(new Error(`train:toy: could not start ${PYTHON} (PyTorch needed for --arch llama): ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`train:toy: torchLlamaSft.py exited with ${code}`))));
  });
  const weights = new Uint8Array(readFileSync(join(work, 'model.safetensors')));
  const { logs, seconds, checkLoss } = JSON.parse(readFileSync(join(work, 'losses.json'), 'utf8')) as { logs: { loss: number }[]; seconds: number; checkLoss: number };

  const cpuLoss = cpuFirstBatchLoss(spec, configJson, weights);
  onLog(`cross-check, first batch under the trained weights: torch loss ${checkLoss.toFixed(6)}, float64 CPU reference ${cpuLoss.toFixed(6)}`);
  if (!(Math.abs(cpuLoss - checkLoss) < 1e-4)) throw new Error(`train:toy: the torch and CPU-reference losses disagree (${checkLoss} vs ${cpuLoss}): nothing written`);

  onLog(`trained ${spec.sft.steps} steps in ${seconds.toFixed(0)} s`);
  const files: Record<string, Uint8Array> = {
    'model.safetensors': weights,
    ...toyLlamaFolderFiles(spec.llama),
    'train-log.jsonl': new TextEncoder().encode(`${logs.map((l) => JSON.stringify(l)).join('\n')}\n`),
  };
  mkdirSync(out, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(join(out, name), bytes);
    onLog(`[train:toy] wrote ${name} (${bytes.byteLength} bytes)`);
  }
  return { seconds, finalLoss: logs.at(-1)?.loss ?? NaN, steps: logs.length, torchLoss: checkLoss, cpuLoss };
}
