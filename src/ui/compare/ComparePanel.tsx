// The compare store on one screen: a running comparison's progress and Cancel, its error, or the
// open comparison with a Close button. Each screen shows only the comparisons asked for there.
import { useCompare, type CompareOrigin } from '../../store/compareStore.ts';
import { CompareView } from './CompareView.tsx';

export function ComparePanel({ origin }: { origin: CompareOrigin }) {
  const { open, pending, error, cancel, close } = useCompare();
  return (
    <>
      {pending?.origin === origin && (
        <div className="card" role="status" data-testid="compare-progress">
          <span>Comparing: {pending.phase}{pending.total > 0 ? ` · ${pending.done} / ${pending.total}` : pending.done > 0 ? ` · ${pending.done}` : ''}…</span>{' '}
          <progress max={pending.total || 1} value={pending.total ? pending.done : undefined} />{' '}
          <button type="button" onClick={cancel} data-testid="compare-cancel">Cancel</button>
        </div>
      )}
      {error?.origin === origin && <p className="error card error-card pre-wrap" role="alert" data-testid="compare-store-error">{error.message}</p>}
      {open?.origin === origin && (
        <section aria-label="Comparison of two chains of thought" data-testid="compare-panel">
          <div className="row">
            <button type="button" onClick={close} data-testid="compare-close">Close comparison</button>
          </div>
          <CompareView a={open.a} b={open.b} />
        </section>
      )}
    </>
  );
}
