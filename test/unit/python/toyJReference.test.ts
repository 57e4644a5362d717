// The committed toy-model J fixture (python/tests/fixtures/toy_j.json, float32 from onnxruntime-node)
// against an independent float64 reference: the same weights (model.safetensors) in the float64
// CpuModel, log-softmax here. Every float lies within the float32 run-to-run bound of
// test/util/float32.ts, and the bound is strict enough to catch a real change: the same model with
// its weights rounded to float16 (an fp16 export) misses it on every J of the fixture.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src/engine/checkpoint.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { float32Close, float32Units } from '../../util/float32.ts';

interface Case { promptIds: number[]; probeIds: number[]; answerIds: number[]; cotTokens: number[]; tokenSpans: [number, number][]; J: number[]; answerLogProbs: number[][]; tokenEntropy: number[] }
const fixture = JSON.parse(readFileSync('python/tests/fixtures/toy_j.json', 'utf8')) as { model: string; cases: Case[] };
const ck = decodeCheckpoint(new Uint8Array(readFileSync(`public/models/toy-reasoner/model.safetensors`)));
const V = ck.config.vocabSize;

function logSoftmax(row: ArrayLike<number>): number[] {
  const xs = Array.from(row);
  const m = Math.max(...xs);
  const lse = m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
  return xs.map((x) => x - lse);
}

/** Per boundary k = 0 … K: the answer tokens' log-probs after prompt + CoT[: end of segment k] + probe. */
function answerLogProbs(model: CpuModel, c: Case): number[][] {
  return [0, ...c.tokenSpans.map((s) => s[1])].map((end) => {
    const seq = [...c.promptIds, ...c.cotTokens.slice(0, end), ...c.probeIds, ...c.answerIds];
    const logits = model.logits(Int32Array.from(seq), 1, seq.length);
    return c.answerIds.map((_, j) => {
      const at = seq.length - c.answerIds.length + j;
      return logSoftmax(logits.subarray((at - 1) * V, at * V))[seq[at]];
    });
  });
}

/** Entropy of the next-token distribution that produced each CoT token. */
function tokenEntropy(model: CpuModel, c: Case): number[] {
  if (c.cotTokens.length === 0) return [];
  const seq = [...c.promptIds, ...c.cotTokens];
  const logits = model.logits(Int32Array.from(seq), 1, seq.length);
  return c.cotTokens.map((_, i) => {
    const at = c.promptIds.length - 1 + i;
    return -logSoftmax(logits.subarray(at * V, (at + 1) * V)).reduce((a, l) => a + Math.exp(l) * l, 0);
  });
}

const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('toy_j.json against the float64 reference', () => {
  it('every J, answer log-prob and token entropy is within the float32 run-to-run bound of float64', () => {
    expect(fixture.model).toBe('public/models/toy-reasoner');
    const exact = new CpuModel(ck.config, ck.params);
    let worst = 0;
    let checked = 0;
    for (const c of fixture.cases) {
      const lp = answerLogProbs(exact, c);
      const pairs: [number, number][] = [
        ...lp.map((row, k): [number, number] => [meanOf(row), c.J[k]]),
        ...lp.flatMap((row, k) => row.map((x, j): [number, number] => [x, c.answerLogProbs[k][j]])),
        ...tokenEntropy(exact, c).map((h, i): [number, number] => [h, c.tokenEntropy[i]]),
      ];
      for (const [ref, got] of pairs) {
        expect(float32Close(ref, got), `${got} vs float64 ${ref}`).toBe(true);
        worst = Math.max(worst, float32Units(ref, got));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(400);
    // measured: 12.5 units at most, so two float32 runs stay within ~25 of the bound's 64
    expect(worst).toBeLessThan(32);
  });

  it('float16-rounded weights (a real change) move every J of the fixture outside the bound', () => {
    const f16 = (x: number) => {
      if (x === 0 || Math.abs(x) < 2 ** -14) return x;
      const q = 2 ** (Math.floor(Math.log2(Math.abs(x))) - 10);
      return Math.round(x / q) * q;
    };
    const half = new CpuModel(ck.config, Float32Array.from(ck.params, f16));
    const units = fixture.cases.flatMap((c) => answerLogProbs(half, c).map((row, k) => float32Units(meanOf(row), c.J[k])));
    expect(units.length).toBeGreaterThan(40);
    expect(Math.min(...units)).toBeGreaterThan(64 * 2); // measured: ≥ 222 units from the float64 J
  });
});
