// How a model continues a branch at CoT position t (issue #17 §2), detected once per model against
// re-encoding — as scoringPath.ts detects the scoring path: from a kept cache cut to the prefix
// (LanguageModel.cachePrefix) and then several tokens at once ('cached') or one token at a time
// ('one-token', graphs that take only one after a cache), or, where the graph cannot continue a
// cache or cut one, the prefix re-encoded with the branch's first tokens ('re-encode', flagged).
import type { CacheState, LanguageModel } from '../types.ts';
import { readLogitsRow } from '../logitsRow.ts';
import { logitsAgree, oncePerModel, oneTokenAfterCache, scoringPath, type ScoringPath } from '../scoringPath.ts';

export type BranchPath = ScoringPath;

export interface BranchPathInfo {
  path: BranchPath;
  /** What the user is told where the branch is shown. */
  note: string;
  /** Why a faster path was ruled out. */
  reason?: string;
}

const NOTES: Record<BranchPath, string> = {
  cached: 'continued from the KV cache at the fork (prefix not re-encoded)',
  'one-token': 'continued from the KV cache at the fork, one token per call (this graph takes one token after a cache)',
  're-encode': 'prefix re-encoded: this graph cannot continue from a cut KV cache',
};

/** The model's branch path, detected on first call (three short forwards) and remembered. */
export const branchPath: (model: LanguageModel) => Promise<BranchPathInfo> = oncePerModel((m) => detect(m));

/** The model as the branch's decoding loop should drive it on this path (one token per call where needed). */
export function branchDecoder(model: LanguageModel, path: BranchPath): LanguageModel {
  return path === 'one-token' ? oneTokenAfterCache(model) : model;
}

async function detect(model: LanguageModel): Promise<BranchPathInfo> {
  const scoring = await scoringPath(model);
  if (scoring.path === 're-encode') return { path: 're-encode', note: NOTES['re-encode'], reason: `the graph cannot continue from a cache (${scoring.reason ?? 'scoring path'})` };
  if (!model.cachePrefix) return { path: 're-encode', note: NOTES['re-encode'], reason: 'the model cannot cut a KV cache to a prefix (no cachePrefix)' };
  const V = model.info.vocabSize;
  // A 4-token cache cut to 2, then 2 other tokens: must equal re-encoding those 4 tokens.
  const ids = [1, 2, 3, 4].map((i) => (i * 7919) % V);
  const alt = [5, 6].map((i) => (i * 7919) % V);
  const decoder = branchDecoder(model, scoring.path);
  try {
    const ref = await model.forward([ids[0], ids[1], ...alt], model.emptyCache());
    const want = [await readLogitsRow(ref.logits, 2, model.device), await readLogitsRow(ref.logits, 3, model.device)];
    ref.dispose();
    ref.cache.dispose();
    const full = await model.forward(ids, model.emptyCache());
    full.dispose();
    let cut: CacheState | null = null;
    try {
      cut = model.cachePrefix(full.cache, 2);
      const cont = await decoder.forward(alt, cut);
      try {
        const got = [await readLogitsRow(cont.logits, 0, model.device), await readLogitsRow(cont.logits, 1, model.device)];
        if (logitsAgree(got, want)) return { path: scoring.path, note: NOTES[scoring.path] };
      } finally {
        cont.dispose();
        cont.cache.dispose();
      }
    } finally {
      cut?.dispose();
      full.cache.dispose();
    }
    return { path: 're-encode', note: NOTES['re-encode'], reason: 'a cache cut to a prefix gave other logits than re-encoding' };
  } catch (e) {
    return { path: 're-encode', note: NOTES['re-encode'], reason: `cutting a cache to a prefix failed: ${String((e as Error)?.message ?? e)}` };
  }
}
