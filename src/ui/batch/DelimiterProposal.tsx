// On the prompt set's report: CoTs whose steps sit on single lines with no blank line between them
// (GSM8K's rationales) would each be one segment under the default delimiter (K = 1, a two-point
// J trajectory). Say so and offer the single-newline delimiter in one click, never a silent K = 1.
import { useMemo } from 'react';
import { useSettings } from '../../store/settingsStore.ts';
import { SINGLE_NEWLINE, singleNewlineOnly } from '../../analysis/delimiter.ts';
import type { PromptItem } from '../../data/promptItem.ts';

export function DelimiterProposal({ items }: { items: PromptItem[] }) {
  const { delimiter, delimiterIsRegex } = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const withCot = useMemo(() => items.filter((i) => i.cot !== undefined), [items]);
  const lines = useMemo(() => withCot.filter((i) => singleNewlineOnly(i.cot!)).length, [withCot]);
  if (lines === 0) return null;
  const of = `${lines} of ${withCot.length} CoT${withCot.length === 1 ? '' : 's'}`;
  if (delimiter === SINGLE_NEWLINE && !delimiterIsRegex) {
    return (
      <p className="muted" data-testid="delimiter-applied">
        Segments split at single newlines: {of} put each step on its own line. The setting is shared with the Inspector and stated in the
        exports (column delimiter: “(single newline)”).{' '}
        <button type="button" onClick={() => update({ delimiter: '', delimiterIsRegex: false })} data-testid="delimiter-blank-lines">
          Back to blank lines
        </button>
      </p>
    );
  }
  if (delimiter !== '') return null; // a delimiter the user chose: theirs to keep
  return (
    <div className="card warning-card" role="note" data-testid="delimiter-proposal">
      <span className="warning">
        {of} have several lines but no blank line: with the default delimiter (blank lines) each would be one segment (K = 1), its J
        trajectory two points.
      </span>{' '}
      <button type="button" className="primary" onClick={() => update({ delimiter: SINGLE_NEWLINE, delimiterIsRegex: false })} data-testid="delimiter-single-newline">
        Split segments at single newlines
      </button>
    </div>
  );
}
