// docs/rl-on-a-real-model.md's fit table is the pre-flight's, on the models' real config.json values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelFitTable } from '../../../scripts/lib/modelFit.ts';

describe('docs/rl-on-a-real-model.md', () => {
  it('holds the pre-flight\'s table', () => {
    const doc = readFileSync('docs/rl-on-a-real-model.md', 'utf8');
    const table = modelFitTable();
    expect(table).toMatch(/SmolLM2-135M-Instruct \| \d+\.\d+ GiB/);
    expect(doc).toContain(table.trim());
  });
});
