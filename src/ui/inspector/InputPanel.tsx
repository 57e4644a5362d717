// Inputs: question + ground-truth answer, the CoT (generated streamed/cancellable, or pasted),
// sampling settings, and the probe template and segmentation delimiter (repro-method.md §2–§3).
import { useInspector } from '../../store/inspectorStore.ts';
import { useModel } from '../../store/modelStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { escapeControl, unescapeControl } from '../escapes.ts';
import { NumberField } from '../NumberField.tsx';
import { useEffect } from 'react';
import { firstInvalid, useInvalidFields } from '../../store/invalidFields.ts';
import { GenerationInfo } from './GenerationInfo.tsx';
import { InputFlags } from './InputFlags.tsx';

/** Inputs are checked against the model this long after the last keystroke. */
const CHECK_DELAY_MS = 300;

export function InputPanel() {
  const { question, answer, cot, generating, genTokens, genAnswer, scoring, scoreProgress, generation, inputCheck, prefilled, setInput, generate, score, cancel, checkInputs, prefillExample } = useInspector();
  const samplingError = firstInvalid(useInvalidFields((s) => s.errors.sampling));
  const lensError = firstInvalid(useInvalidFields((s) => s.errors.lens));
  const settings = useSettings((s) => s.settings);
  const update = useSettings((s) => s.update);
  const loaded = useModel((s) => s.loaded);
  const busy = generating !== null || scoring !== null;
  const defaultProbe = loaded?.defaultProbe ?? '';
  const probe = settings.probe ?? defaultProbe;
  // A model that loads into empty fields gets an example it can read, so the first click works.
  useEffect(() => {
    if (loaded) void prefillExample();
  }, [loaded, prefillExample]);
  useEffect(() => {
    if (generating) return;
    const t = setTimeout(() => void checkInputs(), CHECK_DELAY_MS);
    return () => clearTimeout(t);
  }, [question, cot, answer, probe, loaded, generating, checkInputs]);
  let delimiterError: string | null = null;
  if (settings.delimiterIsRegex && settings.delimiter !== '') {
    try {
      new RegExp(settings.delimiter);
    } catch (e) {
      delimiterError = `delimiter: invalid RegExp — ${(e as Error).message}`;
    }
  }
  // Every disabled button says why, next to it (and on hover).
  const generateWhy = !loaded || busy ? null : question.trim() === '' ? 'Enter a question first.' : samplingError ? `Sampling settings invalid: ${samplingError}` : null;
  const scoreWhy = !loaded
    ? null
    : busy
      ? null
      : delimiterError ?? (lensError ? `Fix “alternatives per token” first: ${lensError}` : null) ??
        (inputCheck !== null && !inputCheck.ok ? 'The model cannot represent this input (see above).' : null);

  return (
    <div className="card" data-testid="input-panel">
      <h3>Problem</h3>
      {!loaded && <p className="muted" data-testid="no-model-hint">Load a model (Model panel) to generate or score a chain of thought.</p>}
      <div className="field">
        <label htmlFor="q">Question</label>
        <textarea id="q" rows={2} value={question} onChange={(e) => setInput({ question: e.target.value })} placeholder="e.g. 37+65=?" data-testid="question" />
      </div>
      <div className="field">
        <label htmlFor="a">Ground-truth answer</label>
        <input id="a" value={answer} onChange={(e) => setInput({ answer: e.target.value })} placeholder="e.g. 102" data-testid="answer" spellCheck={false} />
      </div>
      {prefilled && question === prefilled.question && answer === prefilled.answer && (
        <p className="muted hint" data-testid="prefilled">
          An example the model can read is filled in: press “Generate CoT”, or type your own problem.
        </p>
      )}
      <details>
        <summary>Sampling</summary>
        <div className="row">
          <NumberField group="sampling" label="temperature" value={settings.temperature} min={0} max={10} step={0.05} onChange={(v) => update({ temperature: v })} />
          <NumberField group="sampling" label="top-p" value={settings.topP} min={0} max={1} step={0.01} onChange={(v) => update({ topP: v })} />
          <NumberField group="sampling" label="top-k" value={settings.samplingTopK} min={0} max={1_000_000} step={1} onChange={(v) => update({ samplingTopK: v })} />
          <NumberField group="sampling" label="max new tokens" value={settings.maxNewTokens} min={1} max={32768} step={1} onChange={(v) => update({ maxNewTokens: v })} />
          <NumberField group="sampling" label="seed" value={settings.seed} min={0} max={2 ** 32 - 1} step={1} onChange={(v) => update({ seed: v })} />
        </div>
      </details>
      <div className="row">
        <button
          type="button"
          disabled={busy || !loaded || generateWhy !== null}
          onClick={() => void generate()}
          data-testid="generate"
          title={generateWhy ?? (loaded ? undefined : 'Load a model first (Model panel).')}
        >
          Generate CoT
        </button>
        {generating && <span aria-live="polite">{genTokens} tokens…</span>}
        {generateWhy && <span className={samplingError ? 'error' : 'muted'} data-testid="generate-why">{generateWhy}</span>}
      </div>
      <div className="field">
        <label htmlFor="cot">Chain of thought (generate it, or paste one)</label>
        <textarea id="cot" rows={8} value={cot} onChange={(e) => setInput({ cot: e.target.value })} readOnly={generating !== null} data-testid="cot" spellCheck={false}
          placeholder={'Press “Generate CoT”, or paste one; segments are split at blank lines, e.g.\n7+5=12\n\n3+6+1=10'} />
      </div>
      <GenerationInfo generation={generating ? null : generation} streamingAnswer={genAnswer} truth={answer} />
      {!generating && (
        <InputFlags
          check={inputCheck}
          cot={cot}
          probe={probe}
          thinking={loaded?.info.thinking ?? false}
          modelId={loaded?.info.id ?? null}
          onStripAnswer={(c) => setInput({ cot: c })}
        />
      )}
      <div className="row">
        <label className="grow">
          Probe
          <input
            value={escapeControl(probe)}
            onChange={(e) => update({ probe: unescapeControl(e.target.value) })}
            spellCheck={false}
            size={36}
            data-testid="probe"
            title="Text between the CoT prefix and the answer (repro-method.md §3); \n = newline"
          />
        </label>
        {settings.probe !== null && (
          <button type="button" onClick={() => update({ probe: null })}>
            Model default
          </button>
        )}
        <label>
          Delimiter
          <input
            value={escapeControl(settings.delimiter)}
            placeholder="blank lines (default)"
            onChange={(e) => update({ delimiter: unescapeControl(e.target.value) })}
            spellCheck={false}
            size={16}
            data-testid="delimiter"
            title="Segment delimiter (repro-method.md §2); empty = one or more blank lines"
          />
        </label>
        <label>
          <input type="checkbox" checked={settings.delimiterIsRegex} onChange={(e) => update({ delimiterIsRegex: e.target.checked })} />
          RegExp
        </label>
      </div>
      {delimiterError && <p className="error" role="alert">{delimiterError}</p>}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy || !loaded || scoreWhy !== null}
          onClick={() => void score()}
          data-testid="score"
          title={scoreWhy ?? (loaded ? undefined : 'Load a model first (Model panel).')}
        >
          Score J trajectory
        </button>
        <NumberField
          group="lens"
          label="alternatives per token"
          value={settings.lensK}
          min={1}
          max={20}
          step={1}
          onChange={(v) => update({ lensK: v })}
          testId="lens-k"
          title="Top-k alternatives kept for every CoT token (the token lens, 1–20); takes effect at the next scoring"
          inline
        />
        {busy && (
          <button type="button" onClick={cancel} data-testid="cancel">
            Cancel
          </button>
        )}
        {scoreProgress && (
          <span aria-live="polite" className="grow">
            <progress value={scoreProgress.done} max={scoreProgress.total || 1} aria-label="Scoring progress" /> {scoreProgress.done} / {scoreProgress.total}
          </span>
        )}
        {scoreWhy && <span className="muted" data-testid="score-why">{scoreWhy}</span>}
      </div>
    </div>
  );
}
