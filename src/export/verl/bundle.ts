// The exported folder as a list of files (and as one zip for the tab's download). Pure.
import { zipSync } from 'fflate';
import { verlRows, writeVerlParquet, type VerlPrompt } from './dataset.ts';
import { CONFIG_NAME, overridesYaml } from './overrides.ts';
import { exportReadme } from './readme.ts';
import { runScript } from './runScript.ts';
import { parseVerlSettings, type VerlRunSettings } from './settings.ts';

export interface VerlExportInput {
  /** a short name: the data_source suffix and the folder name */
  name: string;
  /** where it came from, for the README ("batch prompt set foo.jsonl", "training run …") */
  source: string;
  train: VerlPrompt[];
  val: VerlPrompt[];
  settings: VerlRunSettings;
  createdAt?: string;
}

export interface ExportFile {
  path: string;
  bytes: Uint8Array;
  /** executable bit (run.sh) */
  executable?: boolean;
}

const enc = new TextEncoder();

export function exportName(name: string): string {
  const n = name.trim().toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  if (n.length === 0) throw new RangeError(`export name ${JSON.stringify(name)} has no letters or digits`);
  return n.slice(0, 64);
}

export function buildVerlExport(input: VerlExportInput): ExportFile[] {
  const settings = parseVerlSettings(input.settings);
  const name = exportName(input.name);
  if (input.train.length === 0) throw new RangeError('the training prompt set is empty: nothing to export');
  const val = input.val.length > 0 ? input.val : input.train.slice(0, Math.min(32, input.train.length));
  const createdAt = input.createdAt ?? new Date().toISOString();
  const header = `RePro Playground → verl 0.5.x: ${name} (${input.source}), ${createdAt}.\nRun with ./run.sh (README.md). The repro: block is read by python/repro_rl.`;
  return [
    { path: 'data/train.parquet', bytes: writeVerlParquet(verlRows(input.train, { name, split: 'train' })) },
    { path: 'data/val.parquet', bytes: writeVerlParquet(verlRows(val, { name, split: 'test' })) },
    { path: `${CONFIG_NAME}.yaml`, bytes: enc.encode(overridesYaml(settings, { train: 'data/train.parquet', val: 'data/val.parquet' }, header)) },
    { path: 'run.sh', bytes: enc.encode(runScript()), executable: true },
    { path: 'settings.json', bytes: enc.encode(JSON.stringify(settings, null, 2) + '\n') },
    { path: 'README.md', bytes: enc.encode(exportReadme(settings, { name, source: input.source, rows: input.train.length, valRows: val.length, createdAt })) },
  ];
}

/** One zip holding the folder `<name>/…` (run.sh marked executable for unzip on Unix). */
export function zipExport(name: string, files: ExportFile[]): Uint8Array {
  const dir = exportName(name);
  const entries: Record<string, [Uint8Array, { os: number; attrs: number }]> = {};
  for (const f of files) entries[`${dir}/${f.path}`] = [f.bytes, { os: 3, attrs: ((f.executable ? 0o755 : 0o644) | 0o100000) << 16 }];
  return zipSync(entries, { level: 6 });
}
