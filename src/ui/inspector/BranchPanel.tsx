// "Branch from here" (issue #17 §2): pick a CoT token position t (click a token or type t), pick
// what goes there (another token id, typed text, or nothing = let the model resample), and the
// model continues from the KV cache at t with the inspector's sampling settings; the branch is
// scored like the original and drawn over it (BranchChart), listed in BranchList.
import { useMemo, useState } from 'react';
import type { Trajectory } from '../../repro/types.ts';
import { useBranches, type BranchReplacement } from '../../store/branchStore.ts';
import { useInspector } from '../../store/inspectorStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { NumberField } from '../NumberField.tsx';
import { BranchChart } from './BranchChart.tsx';
import { BranchList } from './BranchList.tsx';

type Mode = 'token' | 'text' | 'resample';

/** Tokens drawn as clickable pieces at most; longer CoTs are picked by typing t. */
const MAX_PICKABLE = 4000;

export function BranchPanel({ t }: { t: Trajectory }) {
  const N = t.cotTokens.length;
  const [position, setPosition] = useState(Math.min(N, Math.floor(N / 2)));
  const [mode, setMode] = useState<Mode>('token');
  const [tokenId, setTokenId] = useState<number | null>(null);
  const [text, setText] = useState('');
  const { running, progress, error, branchFrom, cancel } = useBranches();
  const branches = useInspector((s) => s.branches);
  const { temperature, topP, maxNewTokens, seed } = useSettings((s) => s.settings);
  const pos = Math.max(0, Math.min(N, position));
  const original = pos < N ? t.cotTokens[pos] : null;
  const id = tokenId ?? original ?? 0;
  const replacement: BranchReplacement = mode === 'token' ? { tokenId: id } : mode === 'text' ? { text } : { text: '' };
  const pieces = useMemo(() => (N <= MAX_PICKABLE ? t.cotTokens.map((_, i) => t.cot.slice(t.tokenOffsets[i], i + 1 < N ? t.tokenOffsets[i + 1] : t.cot.length)) : null), [t, N]);
  const pick = (i: number) => {
    setPosition(i);
    setTokenId(null);
  };
  return (
    <section className="card" data-testid="branch-panel" aria-labelledby="branch-title">
      <h3 id="branch-title">Branch from a token</h3>
      <p className="muted">
        Keeps CoT tokens [0, t), writes the replacement at t, and lets the model continue from the KV cache at t (temperature {temperature}, top-p {topP},
        up to {maxNewTokens} tokens, seed {seed} — the sampling settings above). The branch is scored with this inspection&apos;s probe, delimiter and answer.
      </p>
      {pieces && (
        <div className="branch-tokens pre-wrap" data-testid="branch-tokens" onClick={(e) => {
          const p = (e.target as HTMLElement).dataset.pos;
          if (p !== undefined) pick(Number(p));
        }}>
          {pieces.map((s, i) => (
            <span key={i} data-pos={i} className={i === pos ? 'tok branch-fork' : i < pos ? 'tok branch-kept' : 'tok'} title={`t = ${i}: token id ${t.cotTokens[i]}`}>
              {s}
            </span>
          ))}
        </div>
      )}
      <div className="row">
        <NumberField label="fork position t" value={pos} min={0} max={N} step={1} onChange={pick} testId="branch-position" inline />
        <span className="muted" data-testid="branch-original">
          {original === null ? 'after the last CoT token' : `original token at t: id ${original} “${pieces?.[pos] ?? ''}”`}
        </span>
      </div>
      <div className="row" role="radiogroup" aria-label="replacement at t">
        {(['token', 'text', 'resample'] as const).map((m) => (
          <label key={m}>
            <input type="radio" name="branch-mode" checked={mode === m} onChange={() => setMode(m)} data-testid={`branch-mode-${m}`} />{' '}
            {m === 'token' ? 'token id' : m === 'text' ? 'text' : 'resample (model picks t)'}
          </label>
        ))}
      </div>
      <div className="row">
        {mode === 'token' && <NumberField label="token id at t" value={id} min={0} max={1e7} step={1} onChange={setTokenId} testId="branch-token-id" inline />}
        {mode === 'text' && (
          <label>
            replacement text{' '}
            <input type="text" value={text} onChange={(e) => setText(e.target.value)} data-testid="branch-text" placeholder="text written at t" />
          </label>
        )}
        <button type="button" onClick={() => void branchFrom(pos, replacement)} disabled={!!running || (mode === 'text' && text === '')} data-testid="branch-run">
          Branch from t = {pos}
        </button>
        {running && (
          <>
            <progress max={progress?.total || 1} value={progress?.done ?? 0} aria-label="branch progress" />
            <span className="muted" data-testid="branch-progress">
              {progress?.phase === 'score' ? 'scoring' : 'generating'} {progress?.done ?? 0} / {progress?.total ?? '?'}
            </span>
            <button type="button" onClick={cancel} data-testid="branch-cancel">Cancel</button>
          </>
        )}
      </div>
      {error && <p className="error" role="alert" data-testid="branch-error">{error}</p>}
      {branches.length > 0 && (
        <>
          <BranchChart t={t} />
          <BranchList t={t} />
        </>
      )}
    </section>
  );
}
