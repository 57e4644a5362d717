// The training screen's form (steps, seed, run settings by their config names), kept in a store so
// a shared link can carry it and open the screen with the same values.
import { create } from 'zustand';
import { linkView } from './linkView.ts';

interface TrainingFormState {
  steps: number;
  seed: number;
  /** Run settings that differ from the screen's defaults, by config name. */
  settings: Record<string, number>;
  set(patch: Partial<Pick<TrainingFormState, 'steps' | 'seed' | 'settings'>>): void;
}

const { steps, seed, ...settings } = linkView().training ?? {};

/** Steps of the comparison the screen opens on (the verbose preset's: src/ui/training/presets.ts). */
export const DEFAULT_STEPS = 20;

export const useTrainingForm = create<TrainingFormState>((set) => ({
  steps: steps ?? DEFAULT_STEPS,
  seed: seed ?? 0,
  settings,
  set: (patch) => set(patch),
}));

/** The form as a link carries it. */
export function trainingFormView(s: Pick<TrainingFormState, 'steps' | 'seed' | 'settings'>): Record<string, number> {
  return { steps: s.steps, seed: s.seed, ...s.settings };
}
