// GPU buffers of the training pass, allocated once for at most maxBT = B·T rows. Per-layer
// activations are stacked [L, maxBT, …]; layer l's tensor starts at element l·maxBT·width.
// Backward scratch (d-prefixed) holds activation gradients, overwritten layer by layer.
import type { ModelConfig } from '../config.ts';
import { createBuffer } from '../../gpu/buffers.ts';
import { at, type GpuTensor } from './tensor.ts';

export interface TrainingBuffers {
  maxBT: number;
  tokens: GPUBuffer; positions: GPUBuffer; targets: GPUBuffer; dlogp: GPUBuffer; // [maxBT] (i32, i32, i32, f32)
  encoded: GPUBuffer; // [maxBT,C]
  ln1: GPUBuffer; ln1Mean: GPUBuffer; ln1Rstd: GPUBuffer; // [L,maxBT,C], [L,maxBT], [L,maxBT]
  qkv: GPUBuffer; atty: GPUBuffer; att: GPUBuffer; // [L,maxBT,3C], [L,maxBT,C], [L,maxBT·NH·maxT]
  attproj: GPUBuffer; residual2: GPUBuffer; // [L,maxBT,C]
  ln2: GPUBuffer; ln2Mean: GPUBuffer; ln2Rstd: GPUBuffer;
  fch: GPUBuffer; fchGelu: GPUBuffer; // [L,maxBT,4C]
  fcproj: GPUBuffer; residual3: GPUBuffer; // [L,maxBT,C]
  lnf: GPUBuffer; lnfMean: GPUBuffer; lnfRstd: GPUBuffer; // [maxBT,C], [maxBT], [maxBT]
  logits: GPUBuffer; logp: GPUBuffer; entropy: GPUBuffer; lse: GPUBuffer; // [maxBT,V], [maxBT] ×3
  dlogits: GPUBuffer; dres: GPUBuffer; dln: GPUBuffer; datty: GPUBuffer; // [maxBT,V], [maxBT,C] ×3
  dqkv: GPUBuffer; dpreatt: GPUBuffer; dfch: GPUBuffer; dfchGelu: GPUBuffer; // [maxBT,3C], [maxBT·NH·maxT], [maxBT,4C] ×2
}

export function createTrainingBuffers(device: GPUDevice, c: ModelConfig, maxBT: number): TrainingBuffers {
  const { nEmbd: C, nLayer: L, vocabSize: V, nHead: NH, blockSize: maxT } = c;
  const f = (n: number, label: string) => createBuffer(device, n * 4, undefined, `engine ${label}`);
  const attSize = maxBT * NH * maxT;
  return {
    maxBT,
    tokens: f(maxBT, 'tokens'), positions: f(maxBT, 'positions'), targets: f(maxBT, 'targets'), dlogp: f(maxBT, 'dlogp'),
    encoded: f(maxBT * C, 'encoded'),
    ln1: f(L * maxBT * C, 'ln1'), ln1Mean: f(L * maxBT, 'ln1Mean'), ln1Rstd: f(L * maxBT, 'ln1Rstd'),
    qkv: f(L * maxBT * 3 * C, 'qkv'), atty: f(L * maxBT * C, 'atty'), att: f(L * attSize, 'att'),
    attproj: f(L * maxBT * C, 'attproj'), residual2: f(L * maxBT * C, 'residual2'),
    ln2: f(L * maxBT * C, 'ln2'), ln2Mean: f(L * maxBT, 'ln2Mean'), ln2Rstd: f(L * maxBT, 'ln2Rstd'),
    fch: f(L * maxBT * 4 * C, 'fch'), fchGelu: f(L * maxBT * 4 * C, 'fchGelu'),
    fcproj: f(L * maxBT * C, 'fcproj'), residual3: f(L * maxBT * C, 'residual3'),
    lnf: f(maxBT * C, 'lnf'), lnfMean: f(maxBT, 'lnfMean'), lnfRstd: f(maxBT, 'lnfRstd'),
    logits: f(maxBT * V, 'logits'), logp: f(maxBT, 'logp'), entropy: f(maxBT, 'entropy'), lse: f(maxBT, 'lse'),
    dlogits: f(maxBT * V, 'dlogits'), dres: f(maxBT * C, 'dres'), dln: f(maxBT * C, 'dln'), datty: f(maxBT * C, 'datty'),
    dqkv: f(maxBT * 3 * C, 'dqkv'), dpreatt: f(attSize, 'dpreatt'), dfch: f(maxBT * 4 * C, 'dfch'), dfchGelu: f(maxBT * 4 * C, 'dfchGelu'),
  };
}

/** Layer l's slice of a stacked [L, maxBT, width] buffer. */
export function layerAt(buf: GPUBuffer, l: number, maxBT: number, width: number): GpuTensor {
  return at(buf, l * maxBT * width);
}

export function destroyTrainingBuffers(b: TrainingBuffers): void {
  for (const v of Object.values(b)) if (typeof v !== 'number') (v as GPUBuffer).destroy();
}
