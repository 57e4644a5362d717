// How the uploaded set's fields were read (schema, source field of each part, extraction rule),
// with an override: pick the question / answer / CoT fields and the rule, then re-read the file.
import { useState } from 'react';
import { RULE_LABELS, SCHEMA_LABELS, type ExtractionChoice, type FieldMapping, type MappingReport } from '../../data/index.ts';

const PARTS = [
  ['question', 'question'],
  ['answer', 'answer'],
  ['referenceCot', 'reference CoT'],
  ['cot', 'CoT scored as-is'],
  ['id', 'id'],
] as const;

/** "answer ← solution (120), answer (3)": each source with its count. */
function sources(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} (${n})`)
    .join(', ');
}

export function FieldMappingPanel({ mapping, busy, onApply }: { mapping: MappingReport; busy: boolean; onApply(m: FieldMapping): void }) {
  const [draft, setDraft] = useState<FieldMapping>(mapping.applied);
  const overridden = Object.keys(mapping.applied).length > 0;
  const schemaText = Object.entries(mapping.schemas)
    .map(([k, n]) => `${SCHEMA_LABELS[k as keyof typeof SCHEMA_LABELS]} (${n})`)
    .join(', ');
  const pathSelect = (part: 'question' | 'answer' | 'cot') => (
    <label key={part}>
      {part}{' '}
      <select
        value={draft[part] ?? ''}
        onChange={(e) => setDraft({ ...draft, [part]: e.target.value === '' ? undefined : e.target.value })}
        data-testid={`map-${part}`}
      >
        <option value="">automatic</option>
        {mapping.fieldPaths.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <details className="mapping" data-testid="field-mapping" open={overridden}>
      <summary>
        Fields: {schemaText || 'none recognised'}
        {overridden && ' — with your override'}
      </summary>
      <ul data-testid="mapping-sources">
        {PARTS.map(([key, label]) =>
          Object.keys(mapping.fields[key]).length > 0 ? (
            <li key={key}>
              {label} ← {sources(mapping.fields[key])}
            </li>
          ) : null,
        )}
        {Object.entries(mapping.rules).map(([rule, n]) => (
          <li key={rule} data-testid={`rule-${rule}`}>
            answer rule: {RULE_LABELS[rule as keyof typeof RULE_LABELS]} ({n})
          </li>
        ))}
      </ul>
      <div className="row">
        {pathSelect('question')}
        {pathSelect('answer')}
        {pathSelect('cot')}
        <label>
          answer rule{' '}
          <select
            value={draft.extraction ?? 'auto'}
            onChange={(e) => setDraft({ ...draft, extraction: e.target.value === 'auto' ? undefined : (e.target.value as ExtractionChoice) })}
            data-testid="map-extraction"
          >
            <option value="auto">automatic</option>
            {Object.entries(RULE_LABELS).map(([rule, label]) => (
              <option key={rule} value={rule}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label title="Score the dataset's rationale (e.g. GSM8K's text before ####) instead of generating a CoT">
          <input
            type="checkbox"
            checked={draft.useReferenceCot === true}
            onChange={(e) => setDraft({ ...draft, useReferenceCot: e.target.checked || undefined })}
            data-testid="map-use-reference"
          />{' '}
          score the reference CoT
        </label>
        <button type="button" disabled={busy} onClick={() => onApply(clean(draft))} data-testid="map-apply">
          Re-read with this mapping
        </button>
        {overridden && (
          <button type="button" disabled={busy} onClick={() => { setDraft({}); onApply({}); }}>
            Automatic
          </button>
        )}
      </div>
    </details>
  );
}

function clean(m: FieldMapping): FieldMapping {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as FieldMapping;
}
