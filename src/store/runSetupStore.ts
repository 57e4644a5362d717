// The training screen's run setup (./runSetup.ts as state): the model choice, LoRA form, task
// (an uploaded prompt set parsed by the batch screen's parser in the model worker, with its field
// mapping and per-line report; a second file for a separate held-out split), and the live memory
// pre-flight: debounced, asked of the training worker for every run Start would build, the latest
// answer kept (an older reply arriving late is dropped). Nothing here blocks the page.
import { create } from 'zustand';
import type { FieldMapping } from '../data/promptItem.ts';
import type { ParsedPromptFile } from '../worker/api.ts';
import { workerApi } from '../worker/client.ts';
import type { PreflightReport, RunSpec, StepTimeReport } from '../worker/trainingApi.ts';
import { trainingApi } from '../worker/trainingClient.ts';
import { DEFAULT_HELDOUT_FRACTION, DEFAULT_LORA_FORM, type LoraForm, type ModelChoice, type PromptSetFile, type TaskChoice } from './runSetup.ts';

/** How long settings must rest before the pre-flight is asked (typing a number is several changes). */
export const PREFLIGHT_DEBOUNCE_MS = 350;

export type PromptFileSlot = 'train' | 'heldout';

interface UploadState {
  parsed: ParsedPromptFile | null;
  parsing: boolean;
  error: string | null;
  /** the file last read, kept so a field-mapping override can re-read it */
  source: { file: Blob; name: string } | null;
}

const EMPTY_UPLOAD: UploadState = { parsed: null, parsing: false, error: null, source: null };

export interface PreflightState {
  /** a request is waiting for its debounce or its answer */
  checking: boolean;
  /** one report per run Start would build, in their order (null: none asked yet) */
  reports: PreflightReport[] | null;
  /** the key of the specs the reports answer (stale when the settings changed since) */
  key: string | null;
}

interface RunSetupState {
  model: ModelChoice;
  lora: LoraForm;
  /** the task: 'toy' or the uploaded set, with the split settings kept while files change */
  taskKind: 'toy' | 'prompt-set';
  heldout: 'random' | 'last' | 'separate';
  heldoutFraction: number;
  instruction: string;
  uploads: Record<PromptFileSlot, UploadState>;
  preflight: PreflightState;
  setModel(m: ModelChoice): void;
  setLora(patch: Partial<LoraForm>): void;
  setTask(patch: Partial<Pick<RunSetupState, 'taskKind' | 'heldout' | 'heldoutFraction' | 'instruction'>>): void;
  loadPromptFile(slot: PromptFileSlot, file: Blob, name: string, mapping?: FieldMapping): Promise<void>;
  loadPromptUrl(slot: PromptFileSlot, url: string, name: string): Promise<void>;
  remap(slot: PromptFileSlot, mapping: FieldMapping): Promise<void>;
  /** Ask the pre-flight for these specs after the debounce (an empty list clears it). */
  requestPreflight(specs: RunSpec[], key: string): void;
  /** Engine runs' GPU memory as the pre-flight plans it (what the worker allocated for them), by run id. */
  runMemory: Record<string, PreflightReport>;
  /** the step-time estimate of the runs Start would build (`key`: the specs it was made for) */
  stepTime: { checking: boolean; key: string | null; reports: { label: string; report: StepTimeReport }[] | null };
  estimateStepTime(specs: RunSpec[], key: string): Promise<void>;
  measureRun(spec: RunSpec): Promise<void>;
  /** A LoRA run's adapter in PEFT's format (path → bytes); null with `exportError` set when it failed. */
  exportPeft(runId: string): Promise<Record<string, Uint8Array> | null>;
  exportError: string | null;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The parsed file's usable items as a task's (question, answer, id). */
export function promptSetOf(u: UploadState): PromptSetFile | null {
  if (!u.parsed) return null;
  return { name: u.parsed.name, items: u.parsed.items.map((it) => ({ question: it.question, answer: it.answer, id: it.id })) };
}

/** The task choice the state describes (null: a prompt set is chosen but not uploaded yet). */
export function taskChoiceOf(s: Pick<RunSetupState, 'taskKind' | 'heldout' | 'heldoutFraction' | 'instruction' | 'uploads'>): TaskChoice | null {
  if (s.taskKind === 'toy') return { kind: 'toy' };
  const set = promptSetOf(s.uploads.train);
  if (!set) return null;
  return { kind: 'prompt-set', set, heldout: s.heldout, heldoutFraction: s.heldoutFraction, heldOutSet: promptSetOf(s.uploads.heldout), instruction: s.instruction };
}

export const useRunSetup = create<RunSetupState>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let seq = 0;
  const upload = (slot: PromptFileSlot, patch: Partial<UploadState>) => set((s) => ({ uploads: { ...s.uploads, [slot]: { ...s.uploads[slot], ...patch } } }));
  return {
    model: { kind: 'toy' },
    lora: { ...DEFAULT_LORA_FORM, target_modules: [...DEFAULT_LORA_FORM.target_modules] },
    taskKind: 'toy',
    heldout: 'random',
    heldoutFraction: DEFAULT_HELDOUT_FRACTION,
    instruction: '',
    uploads: { train: EMPTY_UPLOAD, heldout: EMPTY_UPLOAD },
    preflight: { checking: false, reports: null, key: null },
    setModel: (model) => set({ model }),
    setLora: (patch) => set((s) => ({ lora: { ...s.lora, ...patch } })),
    setTask: (patch) => set(patch),
    async loadPromptFile(slot, file, name, mapping) {
      upload(slot, { parsing: true, error: null, parsed: null, source: { file, name } });
      try {
        upload(slot, { parsed: await workerApi().parsePromptFile(file, name, mapping) });
      } catch (e) {
        upload(slot, { error: `Could not read ${name}: ${message(e)}` });
      } finally {
        upload(slot, { parsing: false });
      }
    },
    async loadPromptUrl(slot, url, name) {
      try {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
        await get().loadPromptFile(slot, await res.blob(), name);
      } catch (e) {
        upload(slot, { error: `Could not load the example ${name}: ${message(e)}` });
      }
    },
    async remap(slot, mapping) {
      const src = get().uploads[slot].source;
      if (src) await get().loadPromptFile(slot, src.file, src.name, mapping);
    },
    runMemory: {},
    stepTime: { checking: false, key: null, reports: null },
    async estimateStepTime(specs, key) {
      set({ stepTime: { checking: true, key, reports: null } });
      const reports: { label: string; report: StepTimeReport }[] = [];
      for (const spec of specs) {
        let report: StepTimeReport;
        try {
          report = await trainingApi().estimateStep(spec);
        } catch (e) {
          report = { ok: false, error: message(e) };
        }
        reports.push({ label: spec.label, report });
      }
      if (get().stepTime.key === key) set({ stepTime: { checking: false, key, reports } });
    },
    exportError: null,
    async measureRun(spec) {
      if (get().runMemory[spec.runId]) return;
      let r: PreflightReport;
      try {
        r = await trainingApi().preflight(spec);
      } catch (e) {
        r = { ok: false, kind: 'settings', error: message(e) };
      }
      set((s) => ({ runMemory: { ...s.runMemory, [spec.runId]: r } }));
    },
    async exportPeft(runId) {
      set({ exportError: null });
      try {
        return await trainingApi().exportPeft(runId);
      } catch (e) {
        set({ exportError: `PEFT export of ${runId} failed: ${message(e)}` });
        return null;
      }
    },
    requestPreflight(specs, key) {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const mine = ++seq;
      if (specs.length === 0) {
        set({ preflight: { checking: false, reports: null, key: null } });
        return;
      }
      if (get().preflight.key === key && !get().preflight.checking) return;
      set((s) => ({ preflight: { ...s.preflight, checking: true } }));
      timer = setTimeout(() => {
        timer = null;
        void (async () => {
          let reports: PreflightReport[];
          try {
            reports = [];
            for (const spec of specs) reports.push(await trainingApi().preflight(spec));
          } catch (e) {
            reports = [{ ok: false, kind: 'settings', error: `the pre-flight failed: ${message(e)}` }];
          }
          if (mine === seq) set({ preflight: { checking: false, reports, key } });
        })();
      }, PREFLIGHT_DEBOUNCE_MS);
    },
  };
});
