// "Copy link": the current view as a link a colleague opens to see the same thing — the screen, its
// settings (screen-scoped), and per screen the inspector's inputs and model, the batch table's sort
// and filter, or the training form (src/store/viewLink.ts). Long texts are lz-compressed.
import { useState } from 'react';
import { useSettings } from '../store/settingsStore.ts';
import { useInspector } from '../store/inspectorStore.ts';
import { useModel } from '../store/modelStore.ts';
import { useBatchView } from '../store/batchViewStore.ts';
import { trainingFormView, useTrainingForm } from '../store/trainingFormStore.ts';
import { shareUrl } from '../store/linkView.ts';
import type { LinkView } from '../store/viewLink.ts';

/** The view of the current screen, read from the stores. */
export function currentView(): LinkView {
  const tab = useSettings.getState().settings.tab;
  if (tab === 'inspector') {
    const { question, answer, cot } = useInspector.getState();
    const model = useModel.getState().loadedFrom ?? undefined;
    return { inspector: { question, answer, cot, ...(model ? { model } : {}) } };
  }
  if (tab === 'batch') {
    const { sort, filter, show } = useBatchView.getState();
    return { batch: { sort, filter, show } };
  }
  if (tab === 'training') return { training: trainingFormView(useTrainingForm.getState()) };
  return {};
}

export function CopyLinkButton() {
  const [state, setState] = useState<{ url: string; copied: boolean } | null>(null);
  const copy = async () => {
    const url = shareUrl(`${location.origin}${location.pathname}`, useSettings.getState().settings, currentView());
    try {
      await navigator.clipboard.writeText(url);
      setState({ url, copied: true });
    } catch {
      setState({ url, copied: false }); // clipboard blocked: show it to copy by hand
    }
  };
  return (
    <span className="copy-link">
      <button type="button" onClick={() => void copy()} data-testid="copy-link" title="A link to this view, with its settings and inputs">
        Copy link
      </button>
      {state && (
        <span role="status" data-testid="copy-link-status">
          {state.copied ? ' Copied.' : ' Copy this link: '}
          {!state.copied && <input readOnly value={state.url} size={24} aria-label="Link to this view" onFocus={(e) => e.target.select()} />}
        </span>
      )}
      <output hidden data-testid="copy-link-url">{state?.url ?? ''}</output>
    </span>
  );
}
