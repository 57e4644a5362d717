// The folder-level import graph of src/: which folder imports which, and the cycles in it.
// Read as text (import/export-from specifiers), so it runs in Node without a TS program.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface FolderEdge { from: string; to: string; file: string; spec: string }

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The specifiers a file imports (static, re-exports, side-effect and dynamic imports). */
export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** The folder of a src/ file: its first `depth` path segments below src/ (a file directly in src/ is ''). */
export function folderOf(srcRoot: string, file: string, depth = 1): string {
  const parts = relative(srcRoot, file).split(sep);
  return parts.length <= 1 ? '' : parts.slice(0, Math.min(depth, parts.length - 1)).join('/');
}

/** Edges between distinct folders of src/ (relative imports only; packages are not folders). */
export function folderEdges(srcRoot: string, depth = 1): FolderEdge[] {
  const edges: FolderEdge[] = [];
  for (const file of sourceFiles(srcRoot)) {
    const from = folderOf(srcRoot, file, depth);
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(srcRoot + sep)) continue;
      const to = folderOf(srcRoot, target + '.ts', depth);
      // A folder and its own sub-folder are one concern seen at two depths (ui/ and ui/batch/),
      // so only edges between folders neither of which contains the other count.
      if (to === from || to === '' || to.startsWith(from + '/') || from.startsWith(to + '/')) continue;
      edges.push({ from, to, file: relative(srcRoot, file), spec });
    }
  }
  return edges;
}

/** Strongly connected groups of more than one folder (each is a folder cycle), sorted. */
export function folderCycles(edges: FolderEdge[]): string[][] {
  const adj = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, new Set());
    if (!adj.has(e.to)) adj.set(e.to, new Set());
    adj.get(e.from)!.add(e.to);
  }
  // Tarjan's algorithm.
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [], out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); onStack.add(v);
    for (const w of adj.get(v)!) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); group.push(w); } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of [...adj.keys()].sort()) if (!idx.has(v)) visit(v);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** The edges that run inside one cycle group (what to cut to break it). */
export function cycleEdges(edges: FolderEdge[], group: string[]): FolderEdge[] {
  const g = new Set(group);
  return edges.filter((e) => g.has(e.from) && g.has(e.to));
}
