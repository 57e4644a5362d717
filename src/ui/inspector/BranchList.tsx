// The inspection's branches: fork position, what was written there, how the continuation ran
// (flagged where the prefix was re-encoded), the branch's J_K and its difference from the
// original's, the answer; show/hide on the overlay, delete.
import type { Trajectory } from '../../repro/types.ts';
import { branchSeries, forkTexts } from '../../analysis/branchOverlay.ts';
import { useInspector } from '../../store/inspectorStore.ts';
import { useBranches } from '../../store/branchStore.ts';
import { useCompare } from '../../store/compareStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { analysisSettingsOf, itemOf } from '../../store/compareItems.ts';

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

export function BranchList({ t }: { t: Trajectory }) {
  const branches = useInspector((s) => s.branches);
  const { hidden, toggle, remove } = useBranches();
  const scoredWith = useInspector((s) => s.scoredWith);
  const settings = useSettings((s) => s.settings);
  const openCompare = useCompare((s) => s.openCompare);
  const compare = (i: number) => {
    const a = analysisSettingsOf(settings);
    openCompare(itemOf('Original', t, a, scoredWith?.id), itemOf(`Branch ${i + 1} (fork at token ${branches[i].fork.position})`, branches[i].trajectory, a, scoredWith?.id));
  };
  return (
    <table className="data-table" data-testid="branch-list">
      <thead>
        <tr>
          <th>#</th><th>shown</th><th>fork t (segment)</th><th>original → branch (from t)</th><th>seed</th><th>how</th><th>J_K</th><th>ΔJ_K</th><th>segments</th><th>answer</th><th></th>
        </tr>
      </thead>
      <tbody>
        {branches.map((b, i) => {
          const s = branchSeries(t, b);
          const f = forkTexts(t, b);
          const how = b.continuation;
          const flagged = how?.path === 're-encode';
          return (
            <tr key={b.id} data-testid="branch-row">
              <td>{i + 1}</td>
              <td><input type="checkbox" checked={!hidden.includes(b.id)} onChange={() => toggle(b.id)} aria-label={`show branch ${i + 1}`} /></td>
              <td>{b.fork.position} ({s.forkSegment})</td>
              <td className="pre-wrap">
                “{f.before}” → “{f.after}”{b.fork.tokenId !== undefined ? ` (token ${b.fork.tokenId})` : b.fork.text ? ' (text)' : ' (resampled)'}
              </td>
              <td>{b.seed}</td>
              <td className={flagged ? 'warning' : 'muted'} title={how?.reason ?? how?.note} data-testid="branch-how">
                {how ? `${flagged ? '⚠ ' : ''}${how.note}${how.prefixEncoded ? ' (no cache was kept for this inspection: prompt + CoT encoded once, kept for later branches)' : ''}` : 'not recorded'}
              </td>
              <td data-testid="branch-jk">{fmt(b.trajectory.J[b.trajectory.J.length - 1])}</td>
              <td>{fmt(s.deltaFinalJ)}</td>
              <td>{b.trajectory.segments.length}</td>
              <td>{b.modelAnswer === undefined ? '—' : `${b.modelAnswer || '(none)'}${b.correct === undefined ? '' : b.correct ? ' ✓' : ' ✗'}`}</td>
              <td>
                <button type="button" onClick={() => compare(i)} data-testid="branch-compare" aria-label={`Compare branch ${i + 1} with the original`}>compare</button>{' '}
                <button type="button" onClick={() => void remove(b.id)} aria-label={`Delete branch ${i + 1}`}>×</button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
