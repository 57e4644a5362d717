// "Branch from here" (issue #17 §2, lens-contract.md): branchFrom(position, replacement) forks the
// current inspection's CoT at a token, the worker continues from its KV cache at that position and
// scores the new CoT with the original's probe, delimiter and answer; the branch (trajectory +
// metrics + how it was made) joins the inspection's `branches` and is saved with it. Branches live
// on the inspector store (they belong to the inspection); this store holds the job and the overlay.
import { create } from 'zustand';
import { proxy } from 'comlink';
import { overthinkingMetrics } from '../repro/index.ts';
import type { CotBranch } from '../data/index.ts';
import type { BranchPhase } from '../worker/api.ts';
import { workerApi } from '../worker/client.ts';
import { useInspector } from './inspectorStore.ts';
import { errorText, useModel } from './modelStore.ts';
import { useSettings } from './settingsStore.ts';
import { answersMatch } from '../analysis/responseSplit.ts';

export type { CotBranch };
export type BranchReplacement = { tokenId: number } | { text: string };

interface BranchState {
  running: string | null; // job id
  progress: { phase: BranchPhase; done: number; total: number } | null;
  error: string | null;
  /** Branch ids hidden from the overlay (all are drawn unless hidden). */
  hidden: string[];
  branchFrom(position: number, replacement: BranchReplacement): Promise<void>;
  cancel(): void;
  remove(id: string): Promise<void>;
  toggle(id: string): void;
}

let jobCounter = 0;

/** Why a branch cannot be made now, or null. */
function refusal(position: number, replacement: BranchReplacement): string | null {
  const ins = useInspector.getState();
  const t = ins.trajectory;
  const loaded = useModel.getState().loaded;
  if (!t) return 'Score a CoT first: a branch forks the scored CoT.';
  if (!loaded) return 'Load a model first: the branch is generated and scored by it.';
  if (ins.scoredWith && ins.scoredWith.id !== loaded.info.id) return `This inspection was scored with ${ins.scoredWith.id}; ${loaded.info.id} is loaded. Load ${ins.scoredWith.id} to branch it.`;
  if (ins.generating || ins.scoring) return 'Wait for the running generation or scoring to finish.';
  const N = t.cotTokens.length;
  if (!Number.isInteger(position) || position < 0 || position > N) return `Fork position must be a CoT token position from 0 to ${N} (got ${position}).`;
  if ('tokenId' in replacement) {
    const V = loaded.info.vocabSize;
    if (!Number.isInteger(replacement.tokenId) || replacement.tokenId < 0 || replacement.tokenId >= V) return `Token id must be an integer from 0 to ${V - 1} (got ${replacement.tokenId}).`;
  }
  return null;
}

export const useBranches = create<BranchState>((set, get) => ({
  running: null,
  progress: null,
  error: null,
  hidden: [],
  async branchFrom(position, replacement) {
    if (get().running) return;
    const why = refusal(position, replacement);
    if (why) {
      set({ error: why });
      return;
    }
    const t = useInspector.getState().trajectory!;
    const s = useSettings.getState().settings;
    const sampling = { maxNewTokens: s.maxNewTokens, temperature: s.temperature, topK: s.samplingTopK, topP: s.topP, seed: s.seed };
    const jobId = `branch-${++jobCounter}`;
    set({ running: jobId, error: null, progress: { phase: 'generate', done: 0, total: sampling.maxNewTokens } });
    try {
      const r = await workerApi().branch(
        jobId,
        {
          question: t.question, cot: t.cot, answer: t.answer, probe: t.probe, delimiter: s.delimiter, delimiterIsRegex: s.delimiterIsRegex,
          cotTokens: t.cotTokens, position, replacement, sampling,
        },
        proxy((phase: BranchPhase, done: number, total: number) => {
          if (get().running === jobId) set({ progress: { phase, done, total } });
        }),
      );
      // The inspection may have changed while the branch ran: it belongs to the one it forked.
      if (useInspector.getState().trajectory !== t) {
        set({ error: 'The inspection changed while the branch ran; the branch was dropped.' });
        return;
      }
      const branch: CotBranch = {
        id: `b${Date.now().toString(36)}-${jobCounter}`,
        // Neither a token nor a text: the model resampled position t itself.
        fork: { position, ...('tokenId' in replacement ? { tokenId: replacement.tokenId } : replacement.text !== '' ? { text: replacement.text } : {}) },
        seed: sampling.seed,
        trajectory: r.trajectory,
        metrics: overthinkingMetrics(r.trajectory, { w: s.w, eps: s.eps, markers: s.markers }),
        createdAt: Date.now(),
        sampling: { maxNewTokens: sampling.maxNewTokens, temperature: sampling.temperature, topK: sampling.topK, topP: sampling.topP },
        continuation: { path: r.path, note: r.note, ...(r.reason ? { reason: r.reason } : {}), prefixEncoded: r.prefixEncoded, generated: r.generated },
        modelAnswer: r.modelAnswer,
        correct: answersMatch(r.modelAnswer, t.answer),
        stopped: r.stopped,
      };
      useInspector.setState({ branches: [...useInspector.getState().branches, branch] });
      await useInspector.getState().saveCurrent();
    } catch (e) {
      const cancelled = e instanceof Error && /AbortError|cancelled/i.test(`${e.name} ${e.message}`);
      set({ error: cancelled ? 'Branch cancelled.' : errorText(e) });
    } finally {
      set({ running: null, progress: null });
    }
  },
  cancel() {
    const id = get().running;
    if (id) void workerApi().cancel(id);
  },
  async remove(id) {
    useInspector.setState({ branches: useInspector.getState().branches.filter((b) => b.id !== id) });
    set({ hidden: get().hidden.filter((h) => h !== id) });
    await useInspector.getState().saveCurrent();
  },
  toggle(id) {
    const hidden = get().hidden;
    set({ hidden: hidden.includes(id) ? hidden.filter((h) => h !== id) : [...hidden, id] });
  },
}));

// The worker keeps one KV cache, the inspection's: when the inspection changes it is told which
// one to keep (the new one's, if it was just scored), so a stale cache does not hold GPU memory.
useInspector.subscribe((now, before) => {
  if (now.trajectory === before.trajectory) return;
  const t = now.trajectory;
  if (!useModel.getState().loaded) return;
  const s = useSettings.getState().settings;
  void workerApi()
    .retainBranchCache(t ? { question: t.question, cot: t.cot, answer: t.answer, probe: t.probe, delimiter: s.delimiter, delimiterIsRegex: s.delimiterIsRegex } : null)
    .catch(() => undefined);
});
