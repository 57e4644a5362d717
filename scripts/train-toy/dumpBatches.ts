// The exact SFT batches runSft (src/engine/sft.ts) would draw for a spec — same rng stream, same
// buildSftBatch + trimBatch — and its initial weights, as files for the PyTorch trainer
// (scripts/train-toy/torchSft.py; the toy Llama's torchLlamaSft.py reads the batches only). Format of batches.bin, per step: uint16 T (little endian), then
// int8 inputs [B, T] and int8 targets [B, T] (token ids < 128, targets −1 on prompt/padding).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSftBatch } from '../../src/task/sft.ts';
import { trimBatch, type SftConfig } from '../../src/engine/sft.ts';
import { initParams } from '../../src/engine/init.ts';
import { paramLayout, PARAM_NAMES } from '../../src/engine/config.ts';
import type { TrainToySpec } from './spec.ts';
import { Rng } from '../../src/sampling/rng.ts';

export function dumpBatches(spec: TrainToySpec, dir: string): void {
  const { sft, model } = spec;
  writeBatches(sft, model.blockSize, model.vocabSize, dir);
  const params = initParams(model, spec.initSeed);
  writeFileSync(join(dir, 'init.f32'), new Uint8Array(params.buffer));
  const layout = paramLayout(model);
  writeFileSync(join(dir, 'job.json'), JSON.stringify({
    model, sft, layout: PARAM_NAMES.map((name) => ({ name, offset: layout.offsets[name], size: layout.sizes[name] })),
  }));
}

/** Only batches.bin (any architecture: the toy Llama's trainer inits its own weights). */
export function writeBatches(sft: SftConfig, blockSize: number, vocabSize: number, dir: string): void {
  if (vocabSize > 127) throw new RangeError('dumpBatches: int8 token ids need vocabSize <= 127');
  const rng = new Rng(sft.seed);
  const chunks: Uint8Array[] = [];
  for (let step = 0; step < sft.steps; step++) {
    const b = trimBatch(buildSftBatch(rng, sft.batchSize, blockSize - 1, sft.mix, { ...sft.problem, split: 'train' }));
    const head = new Uint8Array(2);
    new DataView(head.buffer).setUint16(0, b.T, true);
    chunks.push(head, new Uint8Array(Int8Array.from(b.inputs).buffer), new Uint8Array(Int8Array.from(b.targets).buffer));
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  writeFileSync(join(dir, 'batches.bin'), out);
}
