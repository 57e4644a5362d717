// One line per saved inspection that tells apart records of the same question: when, which model,
// how many segments, and where J went (J₀ → J_K). Read defensively from the stored JSON. Pure.

export interface SavedSummary {
  model: string;
  K: number | null;
  J0: number | null;
  JK: number | null;
  /** verdict of the model's own generated answer, when the CoT was generated */
  correct: boolean | null;
}

export function savedSummary(json: string): SavedSummary {
  const out: SavedSummary = { model: 'unknown model', K: null, J0: null, JK: null, correct: null };
  try {
    const r = JSON.parse(json) as { model?: { id?: unknown }; trajectory?: { J?: unknown; segments?: unknown }; generated?: { correct?: unknown } };
    if (typeof r.model?.id === 'string') out.model = r.model.id;
    const J = r.trajectory?.J;
    if (Array.isArray(J) && J.length > 0 && J.every((x) => typeof x === 'number')) {
      out.J0 = J[0] as number;
      out.JK = J[J.length - 1] as number;
      out.K = J.length - 1;
    }
    if (typeof r.generated?.correct === 'boolean') out.correct = r.generated.correct;
  } catch {
    // an unreadable record still lists under its title and time
  }
  return out;
}

/** "toy-reasoner · K = 3 · J₀ −4.12 → J_K −0.02" */
export function describeSaved(s: SavedSummary): string {
  const j = (x: number) => x.toFixed(2).replace('-', '−');
  const parts = [s.model];
  if (s.K !== null) parts.push(`K = ${s.K}`);
  if (s.J0 !== null && s.JK !== null) parts.push(`J₀ ${j(s.J0)} → J_K ${j(s.JK)}`);
  if (s.correct !== null) parts.push(s.correct ? 'generated ✓' : 'generated ✗');
  return parts.join(' · ');
}
