import { describe, expect, test } from 'vitest';
import { planProbeChunks, type ProbeChunk } from '../../../src/llm/scorer/probeChunks.ts';

const work = (prefixes: number[], chunks: ProbeChunk[]) => chunks.reduce((w, c) => w + (c.end - c.start) * prefixes[c.end - 1], 0);

/** Every split of 0…n−1 into consecutive chunks (the independent reference). */
function* splits(n: number, start = 0): Generator<[number, number][]> {
  if (start === n) {
    yield [];
    return;
  }
  for (let end = start + 1; end <= n; end++) for (const rest of splits(n, end)) yield [[start, end], ...rest];
}

function bruteForce(prefixes: number[], maxChunks: number, maxRows: (keep: number) => number): number {
  let best = Infinity;
  let fewestFeasible = Infinity;
  for (const s of splits(prefixes.length)) {
    const ok = s.every(([a, b]) => b - a <= Math.max(1, Math.floor(maxRows(prefixes[b - 1]))));
    if (ok) fewestFeasible = Math.min(fewestFeasible, s.length);
  }
  const limit = Math.max(maxChunks, fewestFeasible);
  for (const s of splits(prefixes.length)) {
    if (s.length > limit) continue;
    if (!s.every(([a, b]) => b - a <= Math.max(1, Math.floor(maxRows(prefixes[b - 1]))))) continue;
    best = Math.min(best, s.reduce((w, [a, b]) => w + (b - a) * prefixes[b - 1], 0));
  }
  return best;
}

function expectValid(prefixes: number[], chunks: ProbeChunk[], maxRows: (keep: number) => number): void {
  expect(chunks[0].start).toBe(0);
  expect(chunks.at(-1)!.end).toBe(prefixes.length);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (i > 0) expect(c.start).toBe(chunks[i - 1].end);
    expect(c.end).toBeGreaterThan(c.start);
    expect(c.keep).toBe(Math.max(...prefixes.slice(c.start, c.end)));
    expect(c.end - c.start).toBeLessThanOrEqual(Math.max(1, maxRows(c.keep)));
  }
}

describe('planProbeChunks', () => {
  test('one chunk keeps everything: work = rows × the longest prefix', () => {
    const p = [53, 80, 120, 300, 578];
    const chunks = planProbeChunks(p, 1, () => 1e9);
    expect(chunks).toEqual([{ start: 0, end: 5, keep: 578 }]);
    expect(work(p, chunks)).toBe(5 * 578);
  });

  test('the least work for random prefix lists, against every split', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(rand() * 9);
      const p: number[] = [];
      let x = 1 + Math.floor(rand() * 50);
      for (let i = 0; i < n; i++) p.push((x += Math.floor(rand() * 60)));
      const maxChunks = 1 + Math.floor(rand() * 4);
      const cap = 1 + Math.floor(rand() * 6);
      const maxRows = (keep: number) => (trial % 2 ? cap : Math.max(1, Math.floor(3000 / keep)));
      const chunks = planProbeChunks(p, maxChunks, maxRows);
      expectValid(p, chunks, maxRows);
      expect(work(p, chunks)).toBe(bruteForce(p, maxChunks, maxRows));
    }
  });

  test('evenly spaced boundaries in 4 chunks do about 36 % less work than one call', () => {
    const p = Array.from({ length: 17 }, (_, k) => 53 + Math.round((525 * k) / 16));
    const one = work(p, planProbeChunks(p, 1, () => 1e9));
    const four = planProbeChunks(p, 4, () => 1e9);
    expect(four).toHaveLength(4);
    const saved = 1 - work(p, four) / one;
    expect(saved).toBeGreaterThan(0.3);
    expect(saved).toBeLessThan(0.45); // the bound: every row cut at its own prefix
  });

  test('the memory bound wins over maxChunks; equal cost prefers fewer calls', () => {
    const p = [10, 20, 30, 40, 50, 60];
    const chunks = planProbeChunks(p, 1, () => 2);
    expect(chunks.map((c) => c.end - c.start)).toEqual([2, 2, 2]);
    expect(planProbeChunks([5, 5, 5, 5], 4, () => 1e9)).toEqual([{ start: 0, end: 4, keep: 5 }]);
  });

  test('bad input is refused', () => {
    expect(planProbeChunks([], 4, () => 1)).toEqual([]);
    expect(() => planProbeChunks([3, 2], 2, () => 9)).toThrow(/nondecreasing/);
    expect(() => planProbeChunks([1, 2], 0, () => 9)).toThrow(/maxChunks/);
  });
});
