// Which number fields hold invalid text right now, by group, so the actions that would use them
// (Generate, Run batch, Start training) can be disabled and say why. Zustand, no DOM.
import { create } from 'zustand';

export type FieldGroup = 'sampling' | 'scoring' | 'training' | 'lens';

interface InvalidFieldsState {
  /** group → field id → error message */
  errors: Record<FieldGroup, Record<string, string>>;
  setError(group: FieldGroup, field: string, error: string | null): void;
}

export const useInvalidFields = create<InvalidFieldsState>((set) => ({
  errors: { sampling: {}, scoring: {}, training: {}, lens: {} },
  setError(group, field, error) {
    set((s) => {
      const cur = s.errors[group];
      if ((cur[field] ?? null) === error) return {};
      const next = { ...cur };
      if (error === null) delete next[field];
      else next[field] = error;
      return { errors: { ...s.errors, [group]: next } };
    });
  },
}));

/** The first invalid field's message of a group, or null when every field is valid. */
export function firstInvalid(errors: Record<string, string>): string | null {
  const v = Object.values(errors);
  return v.length ? v[0] : null;
}
