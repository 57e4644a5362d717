// The worker's side of "branch from here" (issue #17 §2): the inspection's KV cache kept after
// scoring (one at a time: it is freed when the inspection changes, the model changes or unloads),
// and a branch run — continue at the fork (src/llm/branch/), split off the answer, score the new
// CoT with the original's probe, delimiter and answer.
import type { CacheState, LanguageModel, StopReason } from '../llm/types.ts';
import type { BranchRequest, BranchResult, BranchPhase } from './branchTypes.ts';
import { cotTokensAfterPrompt } from '../llm/scorer/scorerTokens.ts';
import { continueBranch } from '../llm/branch/continueBranch.ts';
import { branchPath } from '../llm/branch/branchPath.ts';
import { generationOutcome } from '../analysis/generationOutcome.ts';
import { delimiterOf } from '../analysis/delimiter.ts';
import { isAbort } from './jobs.ts';
import * as llm from './llmAdapter.ts';

interface Kept { model: LanguageModel; ids: number[]; cache: CacheState; pinned: number; released: boolean }
/** The one kept cache. A branch pins it while it runs; a release meanwhile frees it when the branch ends. */
let kept: Kept | null = null;

function free(k: Kept): void {
  k.released = true;
  if (k.pinned === 0) k.cache.dispose();
}

const sameIds = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Prompt + CoT ids of an inspection, as the scorer tokenizes them. */
export function inspectionIds(m: LanguageModel, question: string, cot: string): { promptIds: number[]; cotTokens: number[] } {
  return cotTokensAfterPrompt(m.tokenizer, m.formatPrompt(question), cot);
}

/** Keeps `cache` (over `ids`) as the inspection's, freeing the one kept before. Ignored if it does not cover ids. */
export function keepInspectionCache(model: LanguageModel, ids: number[], cache: CacheState): void {
  if (cache.length !== ids.length) {
    cache.dispose();
    return;
  }
  if (kept?.cache === cache) return;
  releaseInspectionCache();
  kept = { model, ids, cache, pinned: 0, released: false };
}

export function releaseInspectionCache(): void {
  if (kept) free(kept);
  kept = null;
}

/** Frees the kept cache unless it is over exactly these ids of this model. */
export function retainOnly(model: LanguageModel | null, ids: number[] | null): void {
  if (kept && (kept.model !== model || !ids || !sameIds(kept.ids, ids))) releaseInspectionCache();
}

/** Positions the kept cache holds (0 = none), for tests and the UI. */
export function keptCacheLength(): number {
  return kept?.cache.length ?? 0;
}

export async function branchWith(
  m: LanguageModel, req: BranchRequest, signal: AbortSignal, onProgress: (phase: BranchPhase, done: number, total: number) => void,
): Promise<BranchResult> {
  const { promptIds, cotTokens } = inspectionIds(m, req.question, req.cot);
  if (!sameIds(cotTokens, req.cotTokens)) {
    throw new Error(`${m.info.id} tokenizes this CoT into ${cotTokens.length} tokens, not the inspection's ${req.cotTokens.length}: load the model it was scored with to branch it.`);
  }
  const N = cotTokens.length;
  if (!Number.isInteger(req.position) || req.position < 0 || req.position > N) throw new RangeError(`fork position ${req.position} is not a CoT token position in [0, ${N}]`);
  const r = req.replacement;
  let forced: number[];
  if ('tokenId' in r) {
    if (!Number.isInteger(r.tokenId) || r.tokenId < 0 || r.tokenId >= m.info.vocabSize) throw new RangeError(`token id ${r.tokenId} is not in ${m.info.id}'s vocabulary [0, ${m.info.vocabSize})`);
    forced = [r.tokenId];
  } else {
    forced = r.text === '' ? [] : m.tokenizer.encode(r.text, { addSpecialTokens: false });
  }
  const start = promptIds.length + req.position + forced.length;
  const room = m.info.contextLength === undefined ? Infinity : m.info.contextLength - start;
  if (room <= 0) throw new RangeError(`the fork leaves no room in ${m.info.id}'s ${m.info.contextLength}-token context (prompt + prefix + replacement = ${start} tokens)`);
  const maxTokens = Math.min(req.sampling.maxNewTokens, room);

  const t0 = performance.now();
  const ids = promptIds.concat(cotTokens);
  const path = await branchPath(m);
  let prefixEncoded = false;
  let holder: Kept | null = null;
  if (path.path !== 're-encode') {
    // A failed WebGPU run drops every state of its session (src/llm/ort/renewingSession.ts): a kept cache may be gone.
    const gone = kept !== null && (kept.cache as { disposed?: boolean }).disposed === true;
    if (!kept || gone || kept.model !== m || !sameIds(kept.ids, ids)) {
      // No cache kept for this inspection (opened from the saved list, or scored before a
      // reload): encode prompt + CoT once and keep it, so later branches start from it.
      const enc = await m.forward(ids, m.emptyCache());
      enc.dispose();
      keepInspectionCache(m, ids, enc.cache);
      prefixEncoded = true;
    }
    holder = kept!;
    holder.pinned++;
  }
  let reason: StopReason | 'cancelled' = 'max-tokens';
  let n = 0;
  let cont: Awaited<ReturnType<typeof continueBranch>>;
  try {
    cont = await continueBranch(m, holder?.cache ?? null, { promptIds, cotIds: cotTokens, position: req.position, forced }, { ...req.sampling, maxNewTokens: maxTokens }, {
      signal,
      onStop: (s) => (reason = s),
      onToken: () => onProgress('generate', ++n, maxTokens),
    });
  } catch (e) {
    if (isAbort(e, signal)) throw new DOMException('Branch cancelled.', 'AbortError');
    throw e;
  } finally {
    if (holder && --holder.pinned === 0 && holder.released) holder.cache.dispose();
  }
  const tContinue = performance.now() - t0;
  const text = m.tokenizer.decode(cont.cotIds, { skipSpecialTokens: true });
  const o = generationOutcome(text, { probe: m.defaultProbe, thinking: m.info.thinking, reason, cappedByContext: maxTokens < req.sampling.maxNewTokens });
  const t1 = performance.now();
  const trajectory = await llm.scoreTrajectory(
    m,
    { question: req.question, cot: o.cot, answer: req.answer, probe: req.probe, delimiter: delimiterOf(req) },
    { signal, onProgress: (d, total) => onProgress('score', d, total) },
  );
  return {
    trajectory,
    generatedIds: cont.cotIds,
    generated: cont.generated.length,
    modelAnswer: o.modelAnswer,
    answerComplete: o.answerComplete,
    stopped: o.stopped,
    path: cont.path.path,
    note: cont.path.note,
    reason: cont.path.reason,
    prefixEncoded,
    ms: { continue: tContinue, score: performance.now() - t1 },
  };
}
