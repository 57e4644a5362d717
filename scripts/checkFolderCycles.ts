// `npm run lint` step: fails when src/ has an import cycle between folders (top level, and the
// sub-folders one level down), printing the imports that close each cycle.
import { resolve } from 'node:path';
import { cycleEdges, folderCycles, folderEdges } from './lib/folderGraph.ts';

const srcRoot = resolve(import.meta.dirname, '..', 'src');
let failed = false;
const seen = new Set<string>();
for (const depth of [1, 2]) {
  const edges = folderEdges(srcRoot, depth);
  for (const group of folderCycles(edges)) {
    failed = true;
    if (seen.has(group.join())) continue;
    seen.add(group.join());
    console.error(`folder cycle: ${group.join(' ↔ ')}`);
    for (const e of cycleEdges(edges, group)) console.error(`  src/${e.file} → ${e.spec}  (${e.from} → ${e.to})`);
  }
}
if (failed) process.exit(1);
console.log('no folder cycles in src/');
