// A shared link's inspector view: the inputs are already in the boxes (inspectorStore reads them);
// this loads the link's model — the bundled one at once, a hub model only when asked (it may be
// gigabytes) — and scores the link's CoT once a model is loaded, so the colleague sees the same
// trajectory. Says which model the link was made with, and when another one is loaded.
import { useEffect, useRef } from 'react';
import { linkView } from '../../store/linkView.ts';
import { useInspector } from '../../store/inspectorStore.ts';
import { useModel } from '../../store/modelStore.ts';
import type { ModelRef } from '../../store/viewLink.ts';
import type { OrtDtype } from '../../worker/api.ts';

const onWhat = (m: ModelRef) => (m.backend === 'engine' ? ' on our engine' : m.backend === 'ort' ? ' on ONNX Runtime' : '');
const describe = (m: ModelRef) => (m.kind === 'bundled' ? `the bundled toy model${onWhat(m)}` : `${m.id}${m.dtype ? ` (${m.dtype})` : ''}${onWhat(m)}`);
const same = (a: ModelRef | null, b: ModelRef) => a !== null && a.kind === b.kind && (a.kind === 'bundled' || (b.kind === 'hub' && a.id === b.id));

export function LinkBanner() {
  const link = linkView().inspector;
  const { loaded, loadedFrom, loading, load } = useModel();
  const { score, scoring, trajectory } = useInspector();
  const scored = useRef(false);
  const model = link?.model;

  useEffect(() => {
    if (model?.kind === 'bundled' && !loaded && !loading) void load({ kind: 'bundled', ...(model.backend && { backend: model.backend }) });
    // once, on opening the link
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    if (!link || scored.current || !loaded || loading || scoring || trajectory) return;
    if (link.cot.trim() === '' || link.answer.trim() === '') return;
    if (model && !same(loadedFrom, model)) return;
    scored.current = true;
    void score();
  }, [link, loaded, loadedFrom, loading, scoring, trajectory, score, model]);

  if (!link || !model) return null;
  const mismatch = loaded && !same(loadedFrom, model);
  return (
    <p className={mismatch ? 'warning' : 'muted'} role="status" data-testid="link-banner">
      This view came from a shared link made with {describe(model)}.
      {mismatch && ` A different model (${loaded.label}) is loaded: its numbers are not the link's.`}{' '}
      {model.kind === 'hub' && !same(loadedFrom, model) && (
        <button type="button" disabled={loading} onClick={() => void load({ kind: 'hub', id: model.id, ...(model.dtype ? { dtype: model.dtype as OrtDtype } : {}), ...(model.backend && { backend: model.backend }) })} data-testid="link-load-model">
          Load {model.id}
        </button>
      )}
    </p>
  );
}
