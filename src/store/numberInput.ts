// Validation of a typed number field (scoring, sampling and training settings). Pure: runs in
// Node. A field whose text fails here shows the message inline and is never applied; the value
// in use stays the last valid one, and the message says which.

export interface NumberSpec {
  min: number;
  max: number;
  integer: boolean;
}

export type NumberCheck = { ok: true; value: number } | { ok: false; error: string };

function fmt(x: number): string {
  return Number.isInteger(x) || Math.abs(x) >= 1e-3 ? String(x) : x.toExponential();
}

/** Parse and check the text of a number field; the error names the field and its allowed range. */
export function checkNumberInput(text: string, spec: NumberSpec, label: string): NumberCheck {
  const t = text.trim();
  const range = spec.integer ? `an integer from ${fmt(spec.min)} to ${fmt(spec.max)}` : `a number from ${fmt(spec.min)} to ${fmt(spec.max)}`;
  if (t === '') return { ok: false, error: `${label}: enter ${range}` };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: `${label}: "${t}" is not a number; enter ${range}` };
  if (spec.integer && !Number.isInteger(v)) return { ok: false, error: `${label}: ${t} is not an integer; enter ${range}` };
  if (v < spec.min || v > spec.max) return { ok: false, error: `${label}: ${t} is outside the allowed range; enter ${range}` };
  return { ok: true, value: v };
}

/** The inline message under an invalid field: the reason, and the value the app keeps using. */
export function notAppliedMessage(error: string, inUse: number): string {
  return `${error}. Not applied — still using ${fmt(inUse)}.`;
}
