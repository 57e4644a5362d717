// Every activation the CPU reference keeps from forward for backward, for one [B, T] batch.
import type { ModelConfig } from '../config.ts';

export interface LayerActivations {
  ln1: Float64Array; // [B,T,C]
  ln1Mean: Float64Array; // [B,T]
  ln1Rstd: Float64Array; // [B,T]
  qkv: Float64Array; // [B,T,3C]
  atty: Float64Array; // [B,T,C]
  preatt: Float64Array; // [B,NH,T,T]
  att: Float64Array; // [B,NH,T,T]
  attproj: Float64Array; // [B,T,C]
  residual2: Float64Array; // [B,T,C]
  ln2: Float64Array; // [B,T,C]
  ln2Mean: Float64Array; // [B,T]
  ln2Rstd: Float64Array; // [B,T]
  fch: Float64Array; // [B,T,4C]
  fchGelu: Float64Array; // [B,T,4C]
  fcproj: Float64Array; // [B,T,C]
  residual3: Float64Array; // [B,T,C]
}

export interface Activations {
  B: number;
  T: number;
  encoded: Float64Array; // [B,T,C]
  layers: LayerActivations[];
  lnf: Float64Array; // [B,T,C]
  lnfMean: Float64Array; // [B,T]
  lnfRstd: Float64Array; // [B,T]
  logits: Float64Array; // [B,T,V]
  probs: Float64Array; // [B,T,V]
  logp: Float64Array; // [B,T]
  entropy: Float64Array; // [B,T]
}

export function createActivations(config: ModelConfig, B: number, T: number): Activations {
  const { nEmbd: C, nHead: NH, vocabSize: V, nLayer: L } = config;
  const BT = B * T;
  const f = (n: number) => new Float64Array(n);
  const layers: LayerActivations[] = [];
  for (let l = 0; l < L; l++) {
    layers.push({
      ln1: f(BT * C), ln1Mean: f(BT), ln1Rstd: f(BT), qkv: f(BT * 3 * C), atty: f(BT * C),
      preatt: f(B * NH * T * T), att: f(B * NH * T * T), attproj: f(BT * C), residual2: f(BT * C),
      ln2: f(BT * C), ln2Mean: f(BT), ln2Rstd: f(BT), fch: f(BT * 4 * C), fchGelu: f(BT * 4 * C),
      fcproj: f(BT * C), residual3: f(BT * C),
    });
  }
  return {
    B, T, encoded: f(BT * C), layers, lnf: f(BT * C), lnfMean: f(BT), lnfRstd: f(BT),
    logits: f(BT * V), probs: f(BT * V), logp: f(BT), entropy: f(BT),
  };
}
