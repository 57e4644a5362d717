// Settings that only re-derive scores from the stored trajectory (no model pass): topK (§7),
// w (§6), ε (§4) and the backtracking markers (§10).
import { useSettings } from '../../store/settingsStore.ts';
import { DEFAULT_BACKTRACKING_MARKERS } from '../../repro/index.ts';
import { NumberField } from '../NumberField.tsx';

export function AnalysisControls({ K }: { K: number }) {
  const s = useSettings((st) => st.settings);
  const update = useSettings((st) => st.update);
  const shown = s.topK === 0 || s.topK >= K ? K : s.topK;
  return (
    <div className="card">
      <h3>Scoring settings</h3>
      <div className="row">
        <label>
          top-k segments by entropy: <strong data-testid="topk-value">{s.topK === 0 || s.topK >= K ? `all (${K})` : s.topK}</strong>
          <input
            type="range"
            min={1}
            max={Math.max(1, K)}
            value={Math.max(1, shown)}
            onChange={(e) => {
              const v = Number(e.target.value);
              update({ topK: v >= K ? 0 : v });
            }}
            aria-label="top-k segments kept by entropy (repro-method.md §7)"
            data-testid="topk"
            disabled={K <= 1}
          />
        </label>
        <NumberField group="scoring" label="w (magnitude weight)" value={s.w} min={0} max={1} step={0.05} onChange={(v) => update({ w: v })} testId="w" inline />
        <NumberField group="scoring" testId="eps" label="ε" value={s.eps} min={0} max={1} step={1e-6} onChange={(v) => update({ eps: v })} inline />
      </div>
      <div className="field">
        <label htmlFor="markers">Backtracking markers (one per line)</label>
        <textarea
          id="markers"
          rows={2}
          value={s.markers.join('\n')}
          onChange={(e) => update({ markers: e.target.value.split('\n').filter((m) => m.trim() !== '') })}
          spellCheck={false}
        />
        <button type="button" onClick={() => update({ markers: [...DEFAULT_BACKTRACKING_MARKERS] })} style={{ alignSelf: 'flex-start' }}>
          Default markers
        </button>
      </div>
    </div>
  );
}
