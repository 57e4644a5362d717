// The folder-cycle check: its cycle finder on hand-built graphs and its import reader on real
// text, then the project's own src/ (no folder imports another that imports it back).
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderCycles, folderEdges, importSpecifiers, type FolderEdge } from '../../../scripts/lib/folderGraph.ts';

const edge = (from: string, to: string): FolderEdge => ({ from, to, file: `${from}/x.ts`, spec: `../${to}/y.ts` });

describe('folderCycles', () => {
  it('finds each strongly connected group of folders, and nothing in a DAG', () => {
    expect(folderCycles([edge('ui', 'store'), edge('store', 'worker'), edge('worker', 'repro')])).toEqual([]);
    expect(folderCycles([
      edge('engine', 'rl'), edge('rl', 'engine'), edge('rl', 'repro'),
      edge('store', 'worker'), edge('worker', 'analysis'), edge('analysis', 'store'),
    ])).toEqual([['analysis', 'store', 'worker'], ['engine', 'rl']]);
  });
});

describe('importSpecifiers', () => {
  it('reads static, type, re-export, side-effect and dynamic imports', () => {
    const text = [
      "import { a } from '../engine/a.ts';",
      "import type { B } from './b.ts';",
      "export { c } from '../rl/c.ts';",
      "import '../gpu/side.ts';",
      "const d = await import('../llm/d.ts');",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['../engine/a.ts', './b.ts', '../rl/c.ts', '../gpu/side.ts', '../llm/d.ts']);
  });
});

describe('src/', () => {
  it('has no import cycle between folders (top level and one level down)', () => {
    const src = resolve(import.meta.dirname, '../../../src');
    for (const depth of [1, 2]) {
      const edges = folderEdges(src, depth);
      expect(edges.length).toBeGreaterThan(10);
      expect(folderCycles(edges)).toEqual([]);
    }
  });
});
