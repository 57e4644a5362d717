// Dev/test builds only (import.meta.env.DEV): window.__reproDebug lets e2e tests read the stores
// and call the scorer directly in the page, with its own model instance, to check what the UI
// shows against an independent run. Production builds never install it.
import { useInspector } from '../store/inspectorStore.ts';
import { useSettings } from '../store/settingsStore.ts';
import { useBatch } from '../store/batchStore.ts';
import { useCompare } from '../store/compareStore.ts';
import { analyseTrajectory } from '../analysis/inspectionAnalysis.ts';
import type { LanguageModel } from '../llm/types.ts';
import { useTraining } from '../store/trainingStore.ts';
import { startRunWithCard, useRunAfter } from '../store/runAfterStore.ts';
import type { RunSpec } from '../worker/trainingApi.ts';

let pageModel: Promise<LanguageModel> | null = null;

export function installDebugHook(): void {
  (window as unknown as { __reproDebug: unknown }).__reproDebug = {
    inspector: useInspector,
    settings: useSettings,
    batch: useBatch,
    compare: useCompare,
    training: useTraining,
    runAfter: useRunAfter,
    /** Start a run from a spec (e.g. a LoRA run on an engine model) as the training screen would, shown on its card. */
    startRun: (spec: RunSpec) => startRunWithCard(spec),
    analyse: analyseTrajectory,
    /** Score with the bundled model loaded in the page itself (not the worker's instance). */
    async scoreInPage(input: { question: string; cot: string; answer: string; probe?: string }) {
      const llm = await import('../worker/llmAdapter.ts');
      pageModel ??= llm.loadLanguageModel({ kind: 'bundled' }, () => {}, new AbortController().signal);
      const model = await pageModel;
      return llm.scoreTrajectory(model, { ...input, probe: input.probe ?? model.defaultProbe }, { signal: new AbortController().signal, onProgress: () => {} });
    },
  };
}
