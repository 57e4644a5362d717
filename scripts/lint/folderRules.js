// The folder rules of docs/architecture.md ("Folder rules"), as ESLint no-restricted-imports
// entries: what each folder of src/ must not import. `npm run lint` fails on a violation; the
// folder-cycle check (scripts/checkFolderCycles.ts) runs after it.
const SRC = ['analysis', 'data', 'engine', 'export', 'gpu', 'llm', 'numeric', 'platform', 'repro', 'rl', 'sampling', 'site', 'store', 'task', 'ui', 'worker'];

/**
 * folder → the src/ folders, or single files directly in a folder, it may import; everything else
 * in src/ is forbidden.
 */
export const FOLDER_RULES = {
  repro: { may: [], why: 'the RePro math is pure: it imports no other layer' },
  site: { may: [], why: 'the site itself (URLs from the base, CSP / isolation policy, service worker) knows no app code' },
  sampling: { may: [], why: 'the one sampler, its options and the PRNG are pure' },
  numeric: { may: [], why: 'number formats (half floats) are pure' },
  platform: { may: [], why: 'what the browser offers (the WebGPU adapter), asked for in one place; it knows no app code' },
  task: { may: ['repro', 'sampling', 'llm/types.ts'], why: 'the toy task is pure (its draws use the one PRNG; the tokenizer interface is a type)' },
  data: { may: ['repro', 'rl/metrics.ts'], why: 'file parsing and records are pure (persistence only adds idb; metric histories are typed by rl/metrics)' },
  analysis: { may: ['repro', 'task', 'llm/types.ts', 'llm/representability.ts'], why: 'pure derivations shared by the screens and the worker' },
  export: { may: ['data', 'repro', 'rl', 'sampling', 'task', 'store/settings.ts'], why: 'the verl export is pure: prompt sets, configs and settings in, files out' },
  llm: { may: ['numeric', 'platform', 'repro', 'sampling'], why: 'the model interface and its scorer get their GPU kernel injected' },
  gpu: { may: ['llm/types.ts', 'platform', 'sampling'], why: 'device and kernels; it sees only the model interface types (and the PRNG, for the self-test)' },
  engine: { may: ['gpu', 'llm', 'numeric', 'platform', 'repro', 'sampling', 'task'], why: 'the toy engine knows nothing of training loops, the worker or the UI' },
  rl: {
    may: ['engine', 'repro', 'sampling', 'task', 'analysis/responseSplit.ts', 'llm/types.ts', 'llm/promptIds.ts', 'llm/scorer/scorerTokens.ts'],
    why: 'training drives any TrainableModel on any task; a hub model\'s format reads completions and forms prompt and probe ids as the inspector and the batch screen do; no GPU, worker or UI code',
  },
  worker: { may: ['analysis', 'data', 'engine', 'gpu', 'llm', 'numeric', 'platform', 'repro', 'rl', 'sampling', 'site', 'task'], why: 'the worker sits below the stores and the UI' },
  store: { may: ['analysis', 'data', 'engine', 'gpu', 'llm', 'numeric', 'platform', 'repro', 'rl', 'sampling', 'site', 'task', 'worker'], why: 'stores sit below the UI' },
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
      // The folder is closed except for the named files. A file in a sub-folder is re-included
      // with its folders (gitignore semantics: a file under an excluded folder cannot be), the
      // folders' other files excluded again.
      out.push(`**/${other}/**`);
      for (const f of files) {
        const parts = f.split('/');
        for (let i = 2; i < parts.length; i++) out.push(`!**/${parts.slice(0, i).join('/')}/`, `**/${parts.slice(0, i).join('/')}/*`);
        out.push(`!**/${f}`);
      }
    }
  }
  return out;
}

/**
 * Sub-folders with a stricter rule than their folder's: what they must not import besides the
 * folder's own rule (folder-relative to src/).
 */
export const SUBFOLDER_RULES = {
  'llm/hub': {
    forbid: ['llm/ort', 'engine'], packages: ['onnxruntime-web'],
    why: 'model files, cache, listing and tokenizer are shared by both backends: they import neither (no ORT, no engine)',
  },
  'engine/gpu': { forbid: ['engine/cpu'], why: 'the GPU engine never imports its float64 CPU reference at run time (tests compare the two)' },
  'engine/lm': { forbid: ['engine/cpu'], why: 'the engine\'s LanguageModel runs on the GPU engine, not on its CPU reference' },
};

const restricted = (groups, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: [...new Set(groups)], message }] }] });

export const folderRuleConfigs = Object.keys(FOLDER_RULES).flatMap((folder) => {
  const why = `src/${folder}: ${FOLDER_RULES[folder].why} (docs/architecture.md, Folder rules).`;
  const subs = Object.keys(SUBFOLDER_RULES).filter((sub) => sub.startsWith(`${folder}/`));
  return [
    { files: [`src/${folder}/**/*.{ts,tsx}`], ignores: subs.map((sub) => `src/${sub}/**`), rules: restricted(forbiddenGroups(folder), why) },
    ...subs.map((sub) => ({
      files: [`src/${sub}/**/*.{ts,tsx}`],
      rules: restricted([
        ...forbiddenGroups(folder),
        // a sibling sub-folder by its relative name ('../ort/…'), a package by its name
        ...SUBFOLDER_RULES[sub].forbid.map((f) => `**/${f.split('/').pop()}/**`),
        ...(SUBFOLDER_RULES[sub].packages ?? []).flatMap((pkg) => [pkg, `${pkg}/**`]),
      ], `src/${sub}: ${SUBFOLDER_RULES[sub].why}; and ${why}`),
    })),
  ];
});

/**
 * The folder-rules table of docs/architecture.md, generated from the rules above (a unit test
 * keeps the page equal to it: test/unit/architecture/folderRulesDoc.test.ts).
 */
export function folderRulesMarkdown() {
  const cell = (list) => (list.length === 0 ? '—' : list.map((m) => (m.endsWith('.ts') ? `\`${m}\`` : `\`${m}/\``)).join(', '));
  const rows = Object.entries(FOLDER_RULES).map(([folder, r]) => `| \`${folder}/\` | ${cell(r.may)} | ${r.why} |`);
  const pkgs = (r) => (r.packages ?? []).map((p) => `\`${p}\``);
  const subs = Object.entries(SUBFOLDER_RULES).map(([sub, r]) => `| \`${sub}/\` | its folder's, but not ${[cell(r.forbid), ...pkgs(r)].join(', ')} | ${r.why} |`);
  return ['| folder | may import (in `src/`) | why |', '|---|---|---|', ...rows, ...subs].join('\n');
}
