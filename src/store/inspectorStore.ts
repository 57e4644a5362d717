// The inspector's state: inputs, streamed generation, scoring, the current step, and the saved
// inspections list (IndexedDB). Heavy work goes to the worker; this only holds plain data.
import { create } from 'zustand';
import { proxy } from 'comlink';
import type { Trajectory } from '../repro/types.ts';
import { parseInspectionRecord, serializeInspectionRecord, type InspectionRecord } from '../data/index.ts';
import { deleteInspection, getInspection, listInspections, putInspection, saveInspection, type StoredInspection } from '../data/persistence.ts';
import type { CotBranch } from '../data/index.ts';
import { workerApi } from '../worker/client.ts';
import type { GenerateResult } from '../worker/api.ts';
import { useModel, errorText } from './modelStore.ts';
import { useSettings } from './settingsStore.ts';
import { linkView } from './linkView.ts';
import { inspectionRecordOf, settingsFromRecord } from './inspectionRecordOf.ts';
import { answersMatch } from '../analysis/responseSplit.ts';
import type { Representability } from '../llm/representability.ts';

export type InputField = 'question' | 'answer' | 'cot';

/** What a newcomer finds in the empty fields: the toy task's format, which any tokenizer reads too. */
export const EXAMPLE_INPUT = { question: '37+65=?', answer: '102' } as const;

let jobCounter = 0;
const nextJobId = (kind: string) => `${kind}-${++jobCounter}`;

interface InspectorState {
  question: string;
  answer: string;
  cot: string;
  /** The generation that produced `cot`, if it was generated (cleared when the CoT is edited). */
  generation: GenerateResult | null;
  generating: string | null; // job id
  genTokens: number;
  /** The model's answer as it streams in (shown in its own field, never in the CoT). */
  genAnswer: string;
  /** Representability of the current inputs for the loaded model (checked as they change). */
  inputCheck: Representability | null;
  checkInputs(): Promise<void>;
  scoring: string | null; // job id
  scoreProgress: { done: number; total: number } | null;
  trajectory: Trajectory | null;
  error: string | null;
  /** The input fields `error` is about: editing one of them clears it (the error no longer holds). */
  errorAbout: InputField[];
  /** The example put in the empty fields when a model that can read it loaded (null: none, or edited since). */
  prefilled: { question: string; answer: string } | null;
  /** Puts the toy task's example in the fields if all are empty and the loaded model can represent it. */
  prefillExample(): Promise<void>;
  /** Current boundary k ∈ 0 … K of the stepper. */
  step: number;
  saved: StoredInspection[];
  /** Model the current trajectory was scored with (for records). */
  scoredWith: { id: string; backend: string } | null;
  /** Branches of the current CoT (issue #17 §2; src/store/branchStore.ts makes them), saved with it. */
  branches: CotBranch[];
  /** The saved inspection the current one is (so branches update it in place), if saved. */
  savedAs: { key: number; createdAt: string } | null;
  setInput(patch: Partial<Pick<InspectorState, 'question' | 'answer' | 'cot'>>): void;
  generate(): Promise<void>;
  score(): Promise<void>;
  cancel(): void;
  setStep(k: number): void;
  stepBy(delta: number): void;
  refreshSaved(): Promise<void>;
  saveCurrent(): Promise<void>;
  openSaved(key: number): Promise<void>;
  removeSaved(key: number): Promise<void>;
  currentRecord(): InspectionRecord | null;
  importRecord(json: string): Promise<void>;
  /** Show an already-scored trajectory (e.g. a batch row). */
  show(t: Trajectory, model: { id: string; backend: string } | null, generation?: GenerateResult | null): void;
}

function probeSetting(): string {
  const p = useSettings.getState().settings.probe;
  return p ?? useModel.getState().loaded?.defaultProbe ?? '';
}

const fromLink = linkView().inspector;

export const useInspector = create<InspectorState>((set, get) => ({
  question: fromLink?.question ?? '',
  answer: fromLink?.answer ?? '',
  cot: fromLink?.cot ?? '',
  generation: null,
  generating: null,
  genTokens: 0,
  genAnswer: '',
  inputCheck: null,
  scoring: null,
  scoreProgress: null,
  trajectory: null,
  error: null,
  errorAbout: [],
  prefilled: null,
  step: 0,
  saved: [],
  scoredWith: null,
  branches: [],
  savedAs: null,
  setInput(patch) {
    const about = get().errorAbout;
    const clears = about.some((f) => patch[f] !== undefined && patch[f] !== get()[f]);
    set({
      ...patch,
      ...(patch.cot !== undefined ? { generation: null } : {}),
      ...(clears ? { error: null, errorAbout: [] } : {}),
      ...(get().prefilled && (patch.question !== undefined || patch.answer !== undefined) ? { prefilled: null } : {}),
    });
  },
  async prefillExample() {
    const empty = () => get().question === '' && get().answer === '' && get().cot === '';
    if (!empty() || !useModel.getState().loaded) return;
    try {
      const check = await workerApi().checkInput({ ...EXAMPLE_INPUT, cot: '', probe: probeSetting() });
      if (check.ok && empty()) set({ ...EXAMPLE_INPUT, prefilled: { ...EXAMPLE_INPUT } });
    } catch {
      // no example then: the fields' placeholders still show one
    }
  },
  async generate() {
    if (get().generating || get().scoring) return;
    const jobId = nextJobId('gen');
    const s = useSettings.getState().settings;
    const previous = { cot: get().cot, generation: get().generation };
    set({ generating: jobId, error: null, errorAbout: [], cot: '', generation: null, genTokens: 0, genAnswer: '' });
    try {
      const g = await workerApi().generate(
        jobId,
        {
          question: get().question,
          sampling: { maxNewTokens: s.maxNewTokens, temperature: s.temperature, topK: s.samplingTopK, topP: s.topP, seed: s.seed },
        },
        // Streamed updates travel on their own message port and may arrive after the result:
        // only the job still running may write the CoT box.
        proxy((cot: string, tokens: number, answer: string) => {
          if (get().generating === jobId) set({ cot, genTokens: tokens, genAnswer: answer });
        }),
      );
      set({ cot: g.cot, generation: g, genTokens: g.tokens, genAnswer: g.modelAnswer, generating: null });
      void get().checkInputs();
    } catch (e) {
      // A refused or failed generation leaves the CoT that was there; a refusal is about the question.
      set({ error: errorText(e), errorAbout: ['question'], ...previous });
    } finally {
      set({ generating: null });
    }
  },
  async score() {
    if (get().generating || get().scoring) return;
    const { question, answer, cot } = get();
    if (answer.trim() === '') {
      set({ error: 'answer: enter the ground-truth answer to score against (repro-method.md §3 scores only answer tokens).', errorAbout: ['answer'] });
      return;
    }
    const jobId = nextJobId('score');
    const s = useSettings.getState().settings;
    set({ scoring: jobId, error: null, errorAbout: [], scoreProgress: { done: 0, total: 0 } });
    try {
      const t = await workerApi().score(
        jobId,
        { question, cot, answer, probe: probeSetting(), delimiter: s.delimiter, delimiterIsRegex: s.delimiterIsRegex, lensK: s.lensK },
        proxy((done: number, total: number) => set({ scoreProgress: { done, total } })),
      );
      const info = useModel.getState().loaded?.info;
      set({ trajectory: t, step: 0, scoredWith: info ? { id: info.id, backend: info.backend } : null, branches: [], savedAs: null });
      await get().saveCurrent();
    } catch (e) {
      // Input the model cannot represent (unknown tokens, past its context) is refused by the
      // worker, from the same tokenization it would score; the flags beside the input follow.
      const refused = (e as Error)?.name === 'NotRepresentable';
      set(refused ? { error: (e as Error).message, errorAbout: ['question', 'answer', 'cot'] } : { error: errorText(e) });
      if (refused) void get().checkInputs();
    } finally {
      set({ scoring: null, scoreProgress: null });
    }
  },
  async checkInputs() {
    const { question, cot, answer } = get();
    if (!useModel.getState().loaded || (question === '' && cot === '')) {
      set({ inputCheck: null });
      return;
    }
    try {
      const check = await workerApi().checkInput({ question, cot, answer, probe: probeSetting() });
      // Only the latest inputs' check is kept.
      const now = get();
      if (now.question === question && now.cot === cot && now.answer === answer) set({ inputCheck: check });
    } catch {
      set({ inputCheck: null });
    }
  },
  cancel() {
    const id = get().generating ?? get().scoring;
    if (id) void workerApi().cancel(id);
  },
  setStep(k) {
    const K = get().trajectory?.segments.length ?? 0;
    set({ step: Math.max(0, Math.min(K, Math.round(k))) });
  },
  stepBy(delta) {
    get().setStep(get().step + delta);
  },
  async refreshSaved() {
    try {
      set({ saved: await listInspections() });
    } catch (e) {
      set({ error: errorText(e) });
    }
  },
  currentRecord() {
    const { trajectory, scoredWith, generation, branches, savedAs } = get();
    if (!trajectory) return null;
    return inspectionRecordOf({
      branches,
      createdAt: savedAs ? new Date(savedAs.createdAt) : undefined,
      trajectory,
      settings: useSettings.getState().settings,
      model: scoredWith ?? { id: 'unknown', backend: 'unknown' },
      generated: generation
        ? { correct: answersMatch(generation.modelAnswer, trajectory.answer), answerText: generation.modelAnswer }
        : undefined,
    });
  },
  async saveCurrent() {
    const record = get().currentRecord();
    if (!record) return;
    try {
      const title = record.trajectory.question.slice(0, 80) || '(no question)';
      const item = { createdAt: record.createdAt, title, json: serializeInspectionRecord(record) };
      const savedAs = get().savedAs;
      if (savedAs) await putInspection({ ...item, key: savedAs.key });
      else set({ savedAs: { key: await saveInspection(item), createdAt: record.createdAt } });
      await get().refreshSaved();
    } catch (e) {
      set({ error: `Could not save the inspection: ${errorText(e)}` });
    }
  },
  async openSaved(key) {
    const item = await getInspection(key);
    if (!item) {
      set({ error: `Saved inspection ${key} no longer exists.` });
      return;
    }
    if (loadRecordJson(item.json, set)) set({ savedAs: { key, createdAt: item.createdAt } });
  },
  async removeSaved(key) {
    await deleteInspection(key);
    if (get().savedAs?.key === key) set({ savedAs: null });
    await get().refreshSaved();
  },
  async importRecord(json) {
    if (loadRecordJson(json, set)) await get().saveCurrent();
  },
  show(t, model, generation = null) {
    set({ question: t.question, answer: t.answer, cot: t.cot, trajectory: t, step: 0, scoredWith: model, generation, genAnswer: generation?.modelAnswer ?? '', error: null, branches: [], savedAs: null });
    void get().checkInputs();
  },
}));

function loadRecordJson(json: string, set: (p: Partial<InspectorState>) => void): boolean {
  const parsed = parseInspectionRecord(json);
  if (!parsed.ok) {
    set({ error: `Import failed — ${parsed.error}` });
    return false;
  }
  const r = parsed.record;
  useSettings.getState().update(settingsFromRecord(r));
  const t = r.trajectory;
  set({
    question: t.question,
    answer: t.answer,
    cot: t.cot,
    trajectory: t,
    step: 0,
    scoredWith: r.model,
    branches: r.branches ?? [],
    savedAs: null,
    generation: r.generated
      ? { text: '', cot: t.cot, modelAnswer: r.generated.answerText, tokens: t.cotTokens.length, stopped: 'unrecorded', answerComplete: r.generated.answerText !== '' }
      : null,
    error: null,
  });
  return true;
}
