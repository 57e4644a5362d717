// What a saved run trained, for the saved-runs list: the toy GPT-2 (its regime) or the engine
// model with its LoRA rank and targets; and whether a picked folder's files came back readable
// from IndexedDB (a browser may drop a File's data: the run then asks for the folder again
// instead of failing on resume).
import { sourceLabel } from '../worker/runModel.ts';
import type { RunSpec } from '../worker/trainingApi.ts';
import { REGIME_LABEL } from '../task/regime.ts';

export function savedModelLabel(spec: RunSpec): string {
  const m = spec.model;
  if (!m || m.kind === 'toy') return `toy GPT-2, ${REGIME_LABEL[spec.regime ?? 'mixed']} SFT checkpoint`;
  return `${sourceLabel(m.source)}, LoRA r ${m.lora.r} on ${m.lora.target_modules.map((t) => t.replace('_proj', '')).join(', ')}`;
}

/** null when the run's model files are readable (or it has none picked); else why not. */
export async function pickedFilesProblem(spec: RunSpec): Promise<string | null> {
  const m = spec.model;
  if (!m || m.kind !== 'engine' || m.source.kind !== 'files') return null;
  const files = m.source.files;
  try {
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => f instanceof Blob)) throw new Error('no files were kept');
    for (const f of files) if (f.size > 0) await f.slice(0, 1).arrayBuffer();
    return null;
  } catch (e) {
    return `The picked folder "${m.source.name}" could not be read back from this browser's storage (${e instanceof Error ? e.message : String(e)}): pick the folder again to resume.`;
  }
}
