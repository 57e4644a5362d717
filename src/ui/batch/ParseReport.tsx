// An uploaded prompt set's report: records usable of all read, the field mapping (with its
// override) and the per-line errors. The batch screen's upload and the training screen's task
// upload both show it.
import type { ParsedPromptFile } from '../../worker/api.ts';
import type { ReactNode } from 'react';
import type { FieldMapping } from '../../data/promptItem.ts';
import { FieldMappingPanel } from './FieldMappingPanel.tsx';

/** Per-line errors listed at most; the count says how many there were. */
const MAX_ERRORS_SHOWN = 200;

export function ParseReport({ parsed, busy, onRemap, testId = 'parse-report', children }: {
  parsed: ParsedPromptFile; busy: boolean; onRemap(m: FieldMapping): void; testId?: string; children?: ReactNode;
}) {
  return (
    <div data-testid={testId} aria-live="polite">
      <p>
        <strong>{parsed.name}</strong> ({parsed.format.toUpperCase()}, {(parsed.bytes / 1024).toFixed(1)} KB):{' '}
        <span data-testid="parsed-count">{parsed.items.length}</span> of {parsed.total} records usable
        {parsed.errors.length > 0 && `, ${parsed.errors.length} with errors (the good ones still run)`}.
      </p>
      {children}
      {parsed.total > 0 && (
        <FieldMappingPanel key={`${parsed.name}:${JSON.stringify(parsed.mapping.applied)}`} mapping={parsed.mapping} busy={busy} onApply={onRemap} />
      )}
      {parsed.fatal && (
        <p className="error" role="alert" data-testid="parse-fatal">
          {parsed.fatal}
        </p>
      )}
      {parsed.errors.length > 0 && (
        <details open={parsed.errors.length <= 10}>
          <summary>Per-line errors ({parsed.errors.length})</summary>
          <ul className="error-list" data-testid="parse-errors">
            {parsed.errors.slice(0, MAX_ERRORS_SHOWN).map((e, i) => (
              <li key={i}>
                {parsed.unit} {e.line}: {e.reason}
              </li>
            ))}
          </ul>
          {parsed.errors.length > MAX_ERRORS_SHOWN && <p className="muted">… and {parsed.errors.length - MAX_ERRORS_SHOWN} more.</p>}
        </details>
      )}
    </div>
  );
}
