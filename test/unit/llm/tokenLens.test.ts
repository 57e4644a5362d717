// The scorer's token-lens collector (src/llm/scorer/tokenLens.ts): which handle rows map to which
// CoT tokens (clipped at the prompt and past the CoT), −inf alternatives dropped, the k bound, and
// row slicing of GPU and CPU handles — against hand-computed log-softmax values.
import { describe, expect, test } from 'vitest';
import { checkLensK, decodeLensTokens, LensCollector } from '../../../src/llm/scorer/tokenLens.ts';
import { sliceRows } from '../../../src/llm/logitsRow.ts';
import { logitsTopKCpu } from '../../../src/gpu/logitsTopKCpu.ts';
import type { LogitsHandle, LogitsTopKFn } from '../../../src/llm/types.ts';

const cpuTopK: LogitsTopKFn = async (h, k, chosen) => {
  if (h.kind !== 'cpu') throw new Error('cpu only');
  return logitsTopKCpu(h.data, h.rows, h.vocab, k, chosen);
};

function handle(rows: number[][]): LogitsHandle {
  return { kind: 'cpu', data: Float32Array.from(rows.flat()), rows: rows.length, vocab: rows[0].length };
}

describe('LensCollector', () => {
  test('rows map to CoT tokens; hand-computed log p, ranks and ids (ties → lower id)', async () => {
    // Row r of the handle predicts CoT token r − 1 (the prompt's last row is row 0); the last row is past the CoT.
    const h = handle([
      [0, Math.log(3), 0, 0], // p = (1/6, 1/2, 1/6, 1/6): predicts CoT token 0 = id 2 (rank 2: id 1, then the tie 0 < 2)
      [5, 5, 5, 5], // uniform: CoT token 1 = id 3 has rank 3, log p = −ln 4
      [1, 1, 1, 1], // past the CoT: ignored
    ]);
    const c = new LensCollector([2, 3], 2);
    await c.collect(cpuTopK, h, 0, 0, 3);
    const l = c.result()!;
    expect(l.k).toBe(2);
    expect(l.ids).toEqual([[1, 0], [0, 1]]);
    expect(l.logProbs[0][0]).toBeCloseTo(Math.log(1 / 2), 6);
    expect(l.logProbs[0][1]).toBeCloseTo(Math.log(1 / 6), 6);
    expect(l.logProbs[1]).toEqual([-Math.log(4), -Math.log(4)].map((x) => expect.closeTo(x, 6)));
    expect(l.chosenRank).toEqual([2, 3]);
    expect(l.chosenLogProb[0]).toBeCloseTo(Math.log(1 / 6), 6);
    expect(l.chosenLogProb[1]).toBeCloseTo(-Math.log(4), 6);
    // each row's entropy from the same records: ½·ln 2 + 3·⅙·ln 6 = ½·ln 12, then ln 4
    expect(c.entropyAt[0]).toBeCloseTo(0.5 * Math.log(12), 6);
    expect(c.entropyAt[1]).toBeCloseTo(Math.log(4), 6);
    expect(c.entropyAt[2]).toBeCloseTo(Math.log(4), 6); // the row after the CoT: its entropy, no lens entry
  });

  test('a step of the prompt: only its last row counts (i0 < 0 clipped); tokens seen in two calls', async () => {
    const c = new LensCollector([1, 0], 1);
    // Three prompt rows: rows 0 and 1 predict prompt tokens, row 2 predicts CoT token 0.
    await c.collect(cpuTopK, handle([[9, 0], [9, 0], [0, 2]]), 0, -2, 3);
    expect(c.result()).toBeUndefined(); // CoT token 1 not seen yet
    await c.collect(cpuTopK, handle([[3, 0]]), 0, 1, 1);
    const l = c.result()!;
    expect(l.ids).toEqual([[1], [0]]);
    expect(l.chosenRank).toEqual([0, 0]);
    expect(l.chosenLogProb[0]).toBeCloseTo(-Math.log(1 + Math.exp(-2)), 6);
  });

  test('−inf entries are no alternative: a row lists only its finite tokens', async () => {
    const c = new LensCollector([0], 3);
    await c.collect(cpuTopK, handle([[0, -Infinity, Math.log(3), -Infinity]]), 0, 0, 1);
    const l = c.result()!;
    expect(l.ids).toEqual([[2, 0]]);
    expect(l.logProbs[0][0]).toBeCloseTo(Math.log(3 / 4), 6);
    expect(l.chosenRank).toEqual([1]);
  });

  test('k outside 1…20 is refused, naming the setting', () => {
    for (const k of [0, 21, 1.5, NaN]) expect(() => checkLensK(k)).toThrow(/alternatives per token \(lensK\) = .* must be an integer in \[1, 20\]/);
    expect(() => new LensCollector([1], 25)).toThrow(/lensK/);
    expect(checkLensK(20)).toBe(20);
  });
});

test('sliceRows: CPU rows by subarray, GPU rows by byte offset (f16: 2 bytes per entry)', () => {
  const cpu = sliceRows(handle([[1, 2], [3, 4], [5, 6]]), 1, 2);
  expect(cpu.kind === 'cpu' && Array.from(cpu.data)).toEqual([3, 4, 5, 6]);
  const buffer = {} as GPUBuffer;
  expect(sliceRows({ kind: 'gpu', buffer, byteOffset: 8, rows: 5, vocab: 3, dtype: 'float16' }, 2, 3)).toEqual({ kind: 'gpu', buffer, byteOffset: 8 + 2 * 3 * 2, rows: 3, vocab: 3, dtype: 'float16' });
  expect(sliceRows({ kind: 'gpu', buffer, byteOffset: 0, rows: 5, vocab: 3, dtype: 'float32' }, 4, 1)).toMatchObject({ byteOffset: 48, rows: 1 });
  expect(() => sliceRows(handle([[1]]), 1, 1)).toThrow(/outside the handle's 1 rows/);
});

test('decodeLensTokens decodes each distinct id once, alone, special tokens kept', () => {
  const calls: number[][] = [];
  const tokenizer = { vocabSize: 3, encode: () => [], decode: (ids: number[], o?: { skipSpecialTokens?: boolean }) => { calls.push(ids); expect(o?.skipSpecialTokens).toBe(false); return ['a', ' ', '\n'][ids[0]]; } };
  const text = decodeLensTokens(tokenizer, { k: 2, ids: [[0, 1], [1, 2]], logProbs: [[-0.1, -2], [-0.2, -3]], chosenLogProb: [-0.1, -3], chosenRank: [0, 1] });
  expect(text).toEqual({ 0: 'a', 1: ' ', 2: '\n' });
  expect(calls).toEqual([[0], [1], [2]]);
});
