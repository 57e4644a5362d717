// The float64 top-k reference against hand-computed rows: order with ties, log-softmax, rank by
// its definition, −inf entries, and the status of rows with no distribution.
import { describe, expect, test } from 'vitest';
import { logitsTopKCpu, TOPK_STATUS } from '../../../src/gpu/logitsTopKCpu.ts';

const E = Math.E;

describe('logitsTopKCpu against hand-computed rows', () => {
  test('[1, 3, 2, 3]: ties go to the lower id; log p = x − ln(e + 2e³ + e²); ranks 2, 1, 0, 3', () => {
    const row = [1, 3, 2, 3];
    const lse = Math.log(E + 2 * E ** 3 + E ** 2); 
    expect(lse).toBeCloseTo(3.917576, 5); // ln 50.27841
    for (const [c, rank] of [[2, 2], [3, 1], [1, 0], [0, 3]]) {
      const t = logitsTopKCpu(row, 1, 4, 3, [c]);
      expect([...t.ids]).toEqual([1, 3, 2]);
      t.logProbs.forEach((lp, i) => expect(lp).toBeCloseTo([3, 3, 2][i] - lse, 14));
      expect(t.rank[0]).toBe(rank);
      expect(t.chosenLogProb[0]).toBeCloseTo(row[c] - lse, 14);
      expect(t.logSumExp[0]).toBeCloseTo(lse, 14);
      expect(t.status[0]).toBe(0);
    }
  });

  test('uniform row of 5: the first ids, log p = −ln 5, the last id has rank 4', () => {
    const t = logitsTopKCpu([0, 0, 0, 0, 0], 1, 5, 2, [4]);
    expect([...t.ids]).toEqual([0, 1]);
    for (const lp of t.logProbs) expect(lp).toBeCloseTo(-Math.log(5), 14);
    expect(t.rank[0]).toBe(4);
    expect(t.entropy[0]).toBeCloseTo(Math.log(5), 14); // the uniform distribution's
  });

  test('k = 1 is the argmax; k = V lists the whole row in order', () => {
    const row = [0.5, -2, 7, 7, 1];
    expect([...logitsTopKCpu(row, 1, 5, 1).ids]).toEqual([2]);
    expect([...logitsTopKCpu(row, 1, 5, 5).ids]).toEqual([2, 3, 4, 0, 1]);
  });

  test('−inf entries (and ≤ −1e30) have log p = −inf, tie with each other and fill the list lowest id first', () => {
    const row = [-Infinity, 5, -Infinity, -1e31];
    const t = logitsTopKCpu(row, 1, 4, 3, [0]);
    expect([...t.ids]).toEqual([1, 0, 2]);
    expect([...t.logProbs]).toEqual([0, -Infinity, -Infinity]);
    expect(t.logSumExp[0]).toBe(5);
    expect(t.rank[0]).toBe(1); // one finite entry ahead, no lower-id tie
    expect(t.chosenLogProb[0]).toBe(-Infinity);
    expect(t.entropy[0]).toBe(0); // one token has all the mass; −inf entries add nothing (0·log 0 = 0)
    expect(logitsTopKCpu(row, 1, 4, 3, [3]).rank[0]).toBe(3); // 5, then ids 0 and 2 (same value, lower id)
  });

  test('no distribution: all −inf → status noFinite, lse −inf; NaN / +inf → flagged, nothing reported', () => {
    const rows = [
      [-Infinity, -Infinity, -Infinity],
      [1, NaN, 2],
      [1, Infinity, 2],
      [NaN, Infinity, -Infinity],
      [0, Math.log(2), 0], // a normal row after them: rows are independent
    ];
    const t = logitsTopKCpu(rows.flat(), 5, 3, 2, [0, 0, 2, 1, 1]);
    expect([...t.status]).toEqual([TOPK_STATUS.noFinite, TOPK_STATUS.nan, TOPK_STATUS.posInf, TOPK_STATUS.nan | TOPK_STATUS.posInf, 0]);
    expect([...t.logSumExp.subarray(0, 4)]).toEqual([-Infinity, NaN, NaN, NaN]);
    expect([...t.ids.subarray(0, 8)]).toEqual(new Array(8).fill(-1));
    for (const lp of t.logProbs.subarray(0, 8)) expect(lp).toBeNaN();
    expect([...t.rank.subarray(0, 4)]).toEqual([-1, -1, -1, -1]);
    for (const lp of t.chosenLogProb.subarray(0, 4)) expect(lp).toBeNaN();
    for (const h of t.entropy.subarray(0, 4)) expect(h).toBeNaN();
    // p = (1/4, 1/2, 1/4)
    expect([...t.ids.subarray(8)]).toEqual([1, 0]);
    expect(t.logProbs[8]).toBeCloseTo(Math.log(0.5), 14);
    expect(t.logProbs[9]).toBeCloseTo(Math.log(0.25), 14);
    expect(t.rank[4]).toBe(0);
    expect(t.logSumExp[4]).toBeCloseTo(Math.log(4), 14);
    expect(t.entropy[4]).toBeCloseTo(1.5 * Math.log(2), 14); // ½·ln 2 + 2·¼·ln 4
  });

  test('large logits do not overflow: [1000, 1000 + ln 3] gives p = (1/4, 3/4)', () => {
    const t = logitsTopKCpu([1000, 1000 + Math.log(3)], 1, 2, 2, [0]);
    expect([...t.ids]).toEqual([1, 0]);
    expect(t.logProbs[0]).toBeCloseTo(Math.log(0.75), 12);
    expect(t.logProbs[1]).toBeCloseTo(Math.log(0.25), 12);
    expect(t.rank[0]).toBe(1);
    expect(t.entropy[0]).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 12);
  });

  test('without chosen tokens (or −1) the rank is −1 and log p(c) NaN', () => {
    const t = logitsTopKCpu([1, 2, 3, 4], 2, 2, 1, [-1, 1]);
    expect([...t.rank]).toEqual([-1, 0]);
    expect(t.chosenLogProb[0]).toBeNaN();
    expect(logitsTopKCpu([1, 2], 1, 2, 1).rank[0]).toBe(-1);
  });

  test('bad k, shapes and chosen ids name the argument', () => {
    expect(() => logitsTopKCpu([1, 2], 1, 2, 0)).toThrow(/k = 0/);
    expect(() => logitsTopKCpu(new Array(30).fill(0), 1, 30, 21)).toThrow(/k = 21 .*at most 20/);
    expect(() => logitsTopKCpu([1, 2], 1, 2, 3)).toThrow(/k = 3 .*vocab = 2/);
    expect(() => logitsTopKCpu([1, 2], 2, 2, 1)).toThrow(/rows × vocab = 4/);
    expect(() => logitsTopKCpu([1, 2], 1, 2, 1, [2])).toThrow(/targets\[0\] = 2/);
  });
});
