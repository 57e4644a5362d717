// The folder rules of docs/architecture.md ("Folder rules"), as ESLint no-restricted-imports
// entries: what each folder of src/ must not import. `npm run lint` fails on a violation; the
// folder-cycle check (scripts/checkFolderCycles.ts) runs after it.
const SRC = ['analysis', 'data', 'engine', 'export', 'gpu', 'llm', 'numeric', 'repro', 'rl', 'sampling', 'site', 'store', 'task', 'ui', 'worker'];

/**
 * folder → the src/ folders, or single files directly in a folder, it may import; everything else
 * in src/ is forbidden.
 */
export const FOLDER_RULES = {
  repro: { may: [], why: 'the RePro math is pure: it imports no other layer' },
  site: { may: [], why: 'the site itself (URLs from the base, CSP / isolation policy, service worker) knows no app code' },
  sampling: { may: [], why: 'the one sampler, its options and the PRNG are pure' },
  numeric: { may: [], why: 'number formats (half floats) are pure' },
  task: { may: ['repro', 'sampling', 'llm/types.ts'], why: 'the toy task is pure (its draws use the one PRNG; the tokenizer interface is a type)' },
  data: { may: ['repro', 'rl/metrics.ts'], why: 'file parsing and records are pure (persistence only adds idb; metric histories are typed by rl/metrics)' },
  analysis: { may: ['repro', 'task', 'llm/types.ts', 'llm/representability.ts'], why: 'pure derivations shared by the screens and the worker' },
  export: { may: ['data', 'repro', 'rl', 'sampling', 'task', 'store/settings.ts'], why: 'the verl export is pure: prompt sets, configs and settings in, files out' },
  llm: { may: ['numeric', 'repro', 'sampling'], why: 'the model interface and its scorer get their GPU kernel injected' },
  // A subfolder row replaces its folder's: `mustNot` names sibling subfolders it may not import,
  // `packages` npm packages it may not import.
  'llm/hub': {
    may: ['numeric', 'repro', 'sampling'],
    mustNot: ['llm/ort'],
    packages: ['onnxruntime-web'],
    why: 'model files, cache, listing, tokenizer are shared by both backends: they import neither (no ORT, no engine)',
  },
  gpu: { may: ['llm/types.ts', 'sampling'], why: 'device and kernels; it sees only the model interface types (and the PRNG, for the self-test)' },
  engine: { may: ['llm', 'numeric', 'repro', 'sampling', 'task', 'gpu'], why: 'the toy engine knows nothing of training loops, the worker or the UI' },
  rl: { may: ['engine', 'repro', 'sampling', 'task'], why: 'training drives any TrainableModel; no GPU, worker or UI code' },
  worker: { may: ['analysis', 'data', 'engine', 'gpu', 'llm', 'numeric', 'repro', 'rl', 'sampling', 'site', 'task'], why: 'the worker sits below the stores and the UI' },
  store: { may: ['analysis', 'data', 'engine', 'gpu', 'llm', 'numeric', 'repro', 'rl', 'sampling', 'site', 'task', 'worker'], why: 'stores sit below the UI' },
  ui: {
    may: ['analysis', 'data', 'export', 'repro', 'rl', 'site', 'store', 'task', 'worker/api.ts', 'worker/trainingApi.ts', 'llm/types.ts', 'llm/representability.ts'],
    why: 'screens reach the workers through the stores (worker types only) and never GPU or engine code',
  },
};

function forbiddenGroups(folder) {
  const may = FOLDER_RULES[folder].may;
  const top = folder.split('/')[0];
  const out = [];
  for (const other of SRC) {
    if (other === top || may.includes(other)) continue;
    const files = may.filter((m) => m.startsWith(`${other}/`));
    if (files.length === 0) {
      out.push(`**/${other}/**`);
    } else {
      // The folder is closed except for the named files.
      out.push(`**/${other}/**`, ...files.map((f) => `!**/${f}`));
    }
  }
  // A sibling subfolder: by its path from src/, and as the sibling's relative '../name/'.
  for (const sub of FOLDER_RULES[folder].mustNot ?? []) out.push(`**/${sub}/**`, `../${sub.split('/').pop()}/**`);
  for (const pkg of FOLDER_RULES[folder].packages ?? []) out.push(pkg, `${pkg}/**`);
  return out;
}

/**
 * Sub-folders with a stricter rule than their folder's: what they must not import besides the
 * folder's own rule (folder-relative to src/).
 */
export const SUBFOLDER_RULES = {
  'engine/gpu': { forbid: ['engine/cpu'], why: 'the GPU engine never imports its float64 CPU reference at run time (tests compare the two)' },
  'engine/lm': { forbid: ['engine/cpu'], why: 'the engine\'s LanguageModel runs on the GPU engine, not on its CPU reference' },
};

const restricted = (groups, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }] });

export const folderRuleConfigs = Object.keys(FOLDER_RULES).flatMap((folder) => {
  const why = `src/${folder}: ${FOLDER_RULES[folder].why} (docs/architecture.md, Folder rules).`;
  const subs = Object.keys(SUBFOLDER_RULES).filter((sub) => sub.startsWith(`${folder}/`));
  return [
    { files: [`src/${folder}/**/*.{ts,tsx}`], ignores: subs.map((sub) => `src/${sub}/**`), rules: restricted(forbiddenGroups(folder), why) },
    ...subs.map((sub) => ({
      files: [`src/${sub}/**/*.{ts,tsx}`],
      rules: restricted([...forbiddenGroups(folder), ...SUBFOLDER_RULES[sub].forbid.map((f) => `**/${f.split('/').pop()}/**`)], `src/${sub}: ${SUBFOLDER_RULES[sub].why}; and ${why}`),
    })),
  ];
});
