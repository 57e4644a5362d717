// docs/architecture.md's folder-rules table says exactly what the lint enforces: the page holds
// the table generated from scripts/lint/folderRules.js. And the WebGPU adapter is asked for in
// one place (src/platform/gpuAdapter.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderRulesMarkdown } from '../../../scripts/lint/folderRules.js';

const root = resolve(import.meta.dirname, '../../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

describe('architecture page and code', () => {
  it('the folder-rules table of docs/architecture.md is the enforced one', () => {
    const page = readFileSync(resolve(root, 'docs/architecture.md'), 'utf8');
    expect(page).toContain(folderRulesMarkdown());
  });

  it('only src/platform/gpuAdapter.ts asks navigator.gpu for an adapter', () => {
    const askers = files(resolve(root, 'src')).filter((f) => /\.requestAdapter\(/.test(readFileSync(f, 'utf8')));
    expect(askers.map((f) => relative(root, f))).toEqual(['src/platform/gpuAdapter.ts']);
  });
});
