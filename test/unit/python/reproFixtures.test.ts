// The Python package's golden fixtures are the TypeScript's current output: regenerate them in
// memory and compare with the committed file, so a change to the RePro math that is not carried to
// python/ (npm run fixtures:python, then the Python tests) fails here too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReproFixtures, codePointIndex } from '../../../scripts/lib/reproFixtures.ts';

const committed = JSON.parse(readFileSync('python/tests/fixtures/repro_math.json', 'utf8'));

describe('python/tests/fixtures/repro_math.json', () => {
  it('equals what the TypeScript computes now (run `npm run fixtures:python` after changing the math)', () => {
    const fresh = JSON.parse(JSON.stringify(buildReproFixtures()));
    for (const key of Object.keys(fresh)) expect(committed[key], key).toEqual(fresh[key]);
    expect(Object.keys(committed).sort()).toEqual(Object.keys(fresh).sort());
  });

  it('converts UTF-16 offsets to code-point indices (astral characters count once)', () => {
    expect(codePointIndex('a😀b', 3)).toBe(2);
    expect(codePointIndex('a😀b', 1)).toBe(1);
    expect(codePointIndex('éa', 2)).toBe(2);
  });
});
