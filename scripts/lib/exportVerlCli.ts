// Argument handling of `npm run export:verl` (scripts/exportVerl.ts): reads a batch prompt set or a
// training run's config JSON, builds the export (src/export/verl), and says exactly what is wrong
// with bad input. Pure apart from the file reads it is given.
import { parseArgs } from 'node:util';
import { parsePromptSet } from '../../src/data/parsePromptSet.ts';
import { validateGrpoConfig, DEFAULT_GRPO_CONFIG, type GrpoConfig } from '../../src/rl/config.ts';
import { validateTaskSettings, type TaskSettings } from '../../src/rl/task/settings.ts';
import {
  batchPrompts, buildVerlExport, defaultVerlSettings, ESTIMATORS, parseVerlSettings, trainingExportSettings,
  trainingPrompts, type Estimator, type ExportFile, type VerlPrompt, type VerlRunSettings,
} from '../../src/export/verl/index.ts';

export class CliError extends Error {}

export const USAGE = `usage:
  npm run export:verl -- --prompts <set.jsonl|.json|.csv> --model <hf-id-or-path> [options]
  npm run export:verl -- --run <run.config.json> --model <hf-id-or-path> [options]
options:
  --out <dir>            output folder (default: verl-export-<name>); must be empty or absent unless --force
  --name <name>          dataset name (default: the input file's name)
  --estimator <e>        grpo | gae | reinforce_plus_plus (default grpo)
  --alpha <α> --w <w> --top-k <k> --probe <text> --delimiter <text> --delimiter-regex
                         RePro settings (defaults: the tab's; --top-k 0 = every segment)
  --settings <file.json> any other VerlRunSettings fields (merged; repro: merged key by key)
  --gpus <n> --nodes <n> cluster shape (default 8 × 1)
  --zip                  also write <out>.zip
  --force                overwrite a non-empty --out`;

export interface CliResult {
  files: ExportFile[];
  out: string;
  name: string;
  zip: boolean;
  force: boolean;
  warnings: string[];
}

type ReadText = (path: string) => string;

function num(flag: string, v: string | undefined, int = false): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || (int && !Number.isInteger(x))) {
    throw new CliError(`--${flag} must be ${int ? 'an integer' : 'a number'} (got ${JSON.stringify(v)})`);
  }
  return x;
}

function readJson(read: ReadText, path: string, what: string): unknown {
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    throw new CliError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

function baseName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/(\.config)?\.[a-z0-9]+$/i, '');
}

export function exportVerlCli(argv: string[], read: ReadText): CliResult {
  let a;
  try {
    a = parseArgs({
      args: argv, allowPositionals: false, strict: true,
      options: {
        prompts: { type: 'string' }, run: { type: 'string' }, model: { type: 'string' }, out: { type: 'string' },
        name: { type: 'string' }, estimator: { type: 'string' }, alpha: { type: 'string' }, w: { type: 'string' },
        'top-k': { type: 'string' }, probe: { type: 'string' }, delimiter: { type: 'string' }, 'delimiter-regex': { type: 'boolean' },
        settings: { type: 'string' }, gpus: { type: 'string' }, nodes: { type: 'string' }, zip: { type: 'boolean' }, force: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`);
  }
  if ((a.prompts === undefined) === (a.run === undefined)) throw new CliError(`give exactly one of --prompts or --run\n${USAGE}`);
  if (!a.model) throw new CliError(`--model is required: the HF id or path of the model verl trains (the tab's ONNX/toy model is not a verl checkpoint)\n${USAGE}`);
  const estimator = (a.estimator ?? 'grpo') as Estimator;
  if (!ESTIMATORS.includes(estimator)) throw new CliError(`--estimator must be one of ${ESTIMATORS.join(', ')} (got ${JSON.stringify(a.estimator)})`);
  const warnings: string[] = [];
  let settings: VerlRunSettings;
  let train: VerlPrompt[], val: VerlPrompt[], source: string;
  if (a.prompts !== undefined) {
    let text: string;
    try {
      text = read(a.prompts);
    } catch (e) {
      throw new CliError(`cannot read prompt set ${a.prompts}: ${(e as Error).message}`);
    }
    const parsed = parsePromptSet(text, { filename: a.prompts });
    if (parsed.fatal) throw new CliError(`prompt set ${a.prompts}: ${parsed.fatal}`);
    if (parsed.errors.length > 0) {
      const shown = parsed.errors.slice(0, 5).map((e) => `line ${e.line}: ${e.reason}`).join('; ');
      warnings.push(`${parsed.errors.length} of ${parsed.total} records skipped (${shown}${parsed.errors.length > 5 ? '; …' : ''})`);
    }
    settings = defaultVerlSettings(a.model);
    settings.estimator = estimator;
    settings.repro.estimator = estimator;
    train = batchPrompts(parsed.items);
    val = [];
    source = `batch prompt set ${baseName(a.prompts)} (${parsed.items.length} prompts)`;
  } else {
    const spec = readJson(read, a.run!, 'training run') as { config?: unknown; steps?: unknown; runId?: unknown; task?: unknown };
    if (spec === null || typeof spec !== 'object' || typeof spec.config !== 'object' || spec.config === null) {
      throw new CliError(`training run ${a.run} has no "config" object: expected the <run>.config.json the training tab's "checkpoint" download writes`);
    }
    const config = { ...DEFAULT_GRPO_CONFIG, ...(spec.config as Partial<GrpoConfig>) };
    try {
      validateGrpoConfig(config);
    } catch (e) {
      throw new CliError(`training run ${a.run}: ${(e as Error).message}`);
    }
    const steps = typeof spec.steps === 'number' && Number.isInteger(spec.steps) && spec.steps > 0 ? spec.steps : 100;
    settings = trainingExportSettings(config, steps, a.model, estimator);
    let task: TaskSettings | undefined;
    try {
      if (spec.task !== undefined) {
        validateTaskSettings(spec.task);
        task = spec.task;
      }
      ({ train, val } = trainingPrompts(config, steps, task));
    } catch (e) {
      throw new CliError(`training run ${a.run}: ${(e as Error).message}`);
    }
    source = `training run ${typeof spec.runId === 'string' ? spec.runId : baseName(a.run!)} (${steps} steps)`;
  }
  const r = settings.repro;
  r.process_reward_coef = num('alpha', a.alpha) ?? r.process_reward_coef;
  r.process_weight_w = num('w', a.w) ?? r.process_weight_w;
  r.entropy_top_k = num('top-k', a['top-k'], true) ?? r.entropy_top_k;
  if (a.probe !== undefined) r.probe = a.probe;
  if (a.delimiter !== undefined) r.segment_delimiter = a.delimiter;
  if (a['delimiter-regex']) r.segment_delimiter_is_regex = true;
  settings.n_gpus_per_node = num('gpus', a.gpus, true) ?? settings.n_gpus_per_node;
  settings.nnodes = num('nodes', a.nodes, true) ?? settings.nnodes;
  if (a.settings !== undefined) {
    const extra = readJson(read, a.settings, 'settings file');
    if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new CliError(`settings file ${a.settings} must hold a JSON object`);
    const { repro, ...rest } = extra as Record<string, unknown>;
    settings = { ...settings, ...rest, repro: { ...settings.repro, ...(repro as object | undefined) } } as VerlRunSettings;
  }
  try {
    settings = parseVerlSettings(settings);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const name = a.name ?? baseName(a.prompts ?? a.run!);
  let files: ExportFile[];
  try {
    files = buildVerlExport({ name, source, train, val, settings });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  return { files, name, out: a.out ?? `verl-export-${name}`, zip: a.zip ?? false, force: a.force ?? false, warnings };
}
