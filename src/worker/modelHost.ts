// The worker-side model: load/unload, streamed generation, scoring and batch runs. Everything
// that touches the LanguageModel (and so GPU buffers) happens here.
import { REGIME_LABEL } from '../task/regime.ts';
import type { LanguageModel } from '../llm/types.ts';
import type { Trajectory } from '../repro/types.ts';
import { delimiterOf } from '../analysis/delimiter.ts';
import type {
  BatchItemInput,
  BatchItemResult,
  BatchOptions,
  GenerateRequest,
  GenerateResult,
  LoadedModel,
  LoadProgress,
  ModelApi,
  ModelSourceSpec,
  ScoreRequest,
} from './api.ts';
import { cancelJob, endJob, isAbort, startJob } from './jobs.ts';
import { deleteCachedModel, listCachedModels } from '../llm/ort/modelCache.ts';
import { formPromptIds } from '../llm/promptIds.ts';
import { scoringPath } from '../llm/scoringPath.ts';
import * as llm from './llmAdapter.ts';
import { answersMatch, extractAnswer, splitResponse } from '../analysis/responseSplit.ts';

let model: LanguageModel | null = null;
/** Streamed text is sent at most this often, so a fast model does not flood the main thread. */
const STREAM_INTERVAL_MS = 50;

function requireModel(): LanguageModel {
  if (!model) throw new Error('No model is loaded: load one in the model panel first.');
  return model;
}

function labelOf(spec: ModelSourceSpec): string {
  if (spec.kind === 'bundled') return spec.regime && spec.regime !== 'mixed' ? `bundled toy model (toy-reasoner-${spec.regime}, ${REGIME_LABEL[spec.regime]})` : 'bundled toy model (toy-reasoner)';
  if (spec.kind === 'hub') return spec.id;
  if (spec.kind === 'checkpoint') return spec.name;
  const top = spec.files[0]?.path.split('/')[0] ?? 'local files';
  return `local folder ${top}`;
}

async function generateWith(
  m: LanguageModel,
  req: GenerateRequest,
  signal: AbortSignal,
  onText?: (text: string, tokens: number) => void,
): Promise<GenerateResult> {
  // The same ids the scorer conditions on (no doubled BOS after a template that writes one).
  const promptIds = formPromptIds(m.tokenizer, m.formatPrompt(req.question));
  const ids: number[] = [];
  let lastSent = 0;
  let stopped: GenerateResult['stopped'] = 'max-tokens';
  try {
    await m.generate(promptIds, req.sampling, {
      signal,
      onToken: (id) => {
        ids.push(id);
        const now = performance.now();
        if (onText && now - lastSent >= STREAM_INTERVAL_MS) {
          lastSent = now;
          onText(m.tokenizer.decode(ids, { skipSpecialTokens: true }), ids.length);
        }
      },
    });
  } catch (e) {
    if (!isAbort(e, signal)) throw e;
    stopped = 'cancelled';
  }
  if (signal.aborted) stopped = 'cancelled';
  else if (ids.length > 0 && m.info.eosIds.includes(ids[ids.length - 1])) stopped = 'eos';
  const text = m.tokenizer.decode(ids, { skipSpecialTokens: true });
  onText?.(text, ids.length);
  const split = splitResponse(text, m.defaultProbe, m.info.thinking);
  return { text, cot: split.cot, modelAnswer: split.foundMarker ? extractAnswer(split.rest) : '', tokens: ids.length, stopped };
}

async function scoreWith(m: LanguageModel, req: ScoreRequest, signal: AbortSignal, onProgress: (d: number, t: number) => void): Promise<Trajectory> {
  return llm.scoreTrajectory(
    m,
    { question: req.question, cot: req.cot, answer: req.answer, probe: req.probe, delimiter: delimiterOf(req) },
    { signal, onProgress },
  );
}

async function withJob<T>(jobId: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = startJob(jobId);
  try {
    return await run(signal);
  } finally {
    endJob(jobId);
  }
}

export const modelApi: ModelApi = {
  async loadModel(source, onProgress: (p: LoadProgress) => void): Promise<LoadedModel> {
    if (model) {
      const old = model;
      model = null;
      await old.dispose();
    }
    return withJob('load', async (signal) => {
      model = await llm.loadLanguageModel(source, onProgress, signal);
      const scoring = await scoringPath(model); // detected once, shown in the model panel
      return { info: { ...model.info, eosIds: [...model.info.eosIds] }, defaultProbe: model.defaultProbe, label: labelOf(source), scoring };
    });
  },
  async unloadModel() {
    const old = model;
    model = null;
    await old?.dispose();
  },
  cacheSize: () => llm.cacheSize(),
  clearCache: () => llm.clearCache(),
  listCachedModels: () => listCachedModels(),
  deleteCachedModel: (id, revision) => deleteCachedModel(id, revision),
  generate(jobId, req, onText) {
    const m = requireModel();
    return withJob(jobId, (signal) => generateWith(m, req, signal, onText));
  },
  score(jobId, req, onProgress) {
    const m = requireModel();
    return withJob(jobId, (signal) => scoreWith(m, req, signal, onProgress));
  },
  runBatch(jobId, items, opts, onResult) {
    const m = requireModel();
    return withJob(jobId, async (signal) => {
      let done = 0;
      for (const item of items) {
        if (signal.aborted) break;
        const r = await runItem(m, item, opts, signal);
        if (r === null) break; // cancelled mid-item: drop the half-finished one
        done++;
        onResult(r, done, items.length);
      }
      return { done, cancelled: signal.aborted };
    });
  },
  cancel: cancelJob,
};

async function runItem(m: LanguageModel, item: BatchItemInput, opts: BatchOptions, signal: AbortSignal): Promise<BatchItemResult | null> {
  const t0 = performance.now();
  const base = { id: item.id, line: item.line, question: item.question, answer: item.answer };
  let cot = item.cot;
  let modelAnswer = '';
  let correct: boolean | null = null;
  try {
    if (cot === undefined) {
      const g = await generateWith(m, { question: item.question, sampling: opts.sampling }, signal);
      if (g.stopped === 'cancelled') return null;
      cot = g.cot;
      modelAnswer = g.modelAnswer;
      correct = answersMatch(modelAnswer, item.answer);
    }
    const trajectory = await scoreWith(m, { ...opts, question: item.question, cot, answer: item.answer }, signal, () => {});
    return { ...base, correct, modelAnswer, generated: item.cot === undefined, trajectory, error: null, ms: performance.now() - t0 };
  } catch (e) {
    if (isAbort(e, signal)) return null;
    const message = String((e as Error)?.message ?? e);
    return { ...base, correct, modelAnswer, generated: item.cot === undefined, trajectory: null, error: message, ms: performance.now() - t0 };
  }
}
