// npm run export:verl: a batch prompt set or a training run → a folder (and zip) to run on verl.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportVerlCli, CliError } from './lib/exportVerlCli.ts';
import { zipExport } from '../src/export/verl/index.ts';

try {
  const r = exportVerlCli(process.argv.slice(2), (p) => readFileSync(p, 'utf8'));
  if (existsSync(r.out) && readdirSync(r.out).length > 0 && !r.force) {
    throw new CliError(`${r.out} exists and is not empty: choose another --out or pass --force`);
  }
  for (const f of r.files) {
    const path = join(r.out, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.bytes);
    if (f.executable) chmodSync(path, 0o755);
  }
  if (r.zip) writeFileSync(`${r.out}.zip`, zipExport(r.name, r.files));
  for (const w of r.warnings) console.warn(`warning: ${w}`);
  console.log(`wrote ${r.out}/ (${r.files.map((f) => f.path).join(', ')})${r.zip ? ` and ${r.out}.zip` : ''}`);
  console.log(`next: copy it to the cluster and run ./run.sh there (see ${join(r.out, 'README.md')})`);
} catch (e) {
  if (e instanceof CliError) {
    console.error(`export:verl: ${e.message}`);
    process.exit(2);
  }
  throw e;
}
