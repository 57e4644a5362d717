// Which model and settings produced a batch run: stored with the run, shown above its results and
// written into every CSV row and the JSON export, so a result file says where it came from. Pure.
import type { BatchOptions } from '../worker/api.ts';
import { delimiterLabel, SINGLE_NEWLINE } from '../analysis/delimiter.ts';

export interface BatchRunInfo {
  model: string;
  backend: string;
  /** Model label as the model panel showed it (bundled, hub id, checkpoint name). */
  label?: string;
  probe: string;
  delimiter: string;
  delimiterIsRegex: boolean;
  sampling: BatchOptions['sampling'];
  /** The §4/§6 settings the table's S(K) uses (re-derived when they change). */
  w?: number;
  eps?: number;
  /** Weight variant of the model (fp32, q4f16, …); absent in runs saved before it was kept. */
  dtype?: string;
  /** §7 segments kept by entropy (0 = all) and §10 backtracking markers, as set when the run started. */
  entropyTopK?: number;
  markers?: string[];
  /** Whether input the model cannot represent was scored anyway (flagged); absent in runs saved before the option. */
  scoreUnrepresentable?: boolean;
}

/** The stored run's settingsJson, read defensively (runs saved by older versions lack fields). */
export function parseRunInfo(settingsJson: string): BatchRunInfo | null {
  try {
    const v = JSON.parse(settingsJson) as Partial<BatchRunInfo> & Record<string, unknown>;
    if (typeof v.model !== 'string' || typeof v.probe !== 'string' || !v.sampling) return null;
    return {
      model: v.model,
      backend: typeof v.backend === 'string' ? v.backend : 'unknown',
      label: typeof v.label === 'string' ? v.label : undefined,
      probe: v.probe,
      delimiter: typeof v.delimiter === 'string' ? v.delimiter : '',
      delimiterIsRegex: v.delimiterIsRegex === true,
      sampling: v.sampling,
      dtype: typeof v.dtype === 'string' ? v.dtype : undefined,
      entropyTopK: typeof v.entropyTopK === 'number' ? v.entropyTopK : undefined,
      markers: Array.isArray(v.markers) && v.markers.every((m) => typeof m === 'string') ? (v.markers as string[]) : undefined,
      ...(typeof v.scoreUnrepresentable === 'boolean' ? { scoreUnrepresentable: v.scoreUnrepresentable } : {}),
    };
  } catch {
    return null;
  }
}

/** Columns every CSV row of the run carries (the analysis w and ε are the ones in use at export). */
export function runInfoColumns(info: BatchRunInfo | null, analysis: { w: number; eps: number }): Record<string, string | number | boolean> {
  if (!info) return { model: 'unknown', w: analysis.w, eps: analysis.eps };
  const s = info.sampling;
  return {
    model: info.model, backend: info.backend, dtype: info.dtype ?? 'unrecorded', probe: info.probe, delimiter: delimiterColumn(info),
    delimiterIsRegex: info.delimiterIsRegex, temperature: s.temperature, topP: s.topP, topK: s.topK, maxNewTokens: s.maxNewTokens, seed: s.seed,
    entropyTopK: info.entropyTopK ?? 'unrecorded', markers: info.markers ? JSON.stringify(info.markers) : 'unrecorded',
    unrepresentable: info.scoreUnrepresentable === undefined ? 'unrecorded' : info.scoreUnrepresentable ? 'scored anyway (flagged)' : 'not scored',
    w: analysis.w, eps: analysis.eps,
  };
}

/** The delimiter as a CSV cell: the default and the single newline in words, others as typed. */
function delimiterColumn(info: BatchRunInfo): string {
  if (info.delimiter === '') return '(blank lines)';
  if (info.delimiter === SINGLE_NEWLINE && !info.delimiterIsRegex) return '(single newline)';
  return info.delimiter;
}

export const RUN_INFO_COLUMNS = ['model', 'backend', 'dtype', 'probe', 'delimiter', 'delimiterIsRegex', 'temperature', 'topP', 'topK', 'maxNewTokens', 'seed', 'entropyTopK', 'markers', 'unrepresentable', 'w', 'eps'];

/** One line for the screen. */
export function describeRunInfo(info: BatchRunInfo): string {
  const s = info.sampling;
  const unrep = info.scoreUnrepresentable ? ' · input the model cannot represent scored anyway (flagged ⚠)' : '';
  return `${info.label ?? info.model} (${info.backend}${info.dtype ? `, ${info.dtype}` : ''}) · probe ${JSON.stringify(info.probe)} · delimiter ${delimiterLabel(info)} · temperature ${s.temperature}, top-p ${s.topP}, top-k ${s.topK}, max ${s.maxNewTokens} tokens, seed ${s.seed}${unrep}`;
}
