// One card per run: accuracy, CoT tokens, backtracking and tokens after certainty, before → now,
// so the outcome-vs-RePro difference shows without reading the charts (numbers: ./runSummary.ts);
// for a LoRA run on an engine model, its adapter, GPU, step time and "what changed" actions (./EngineRunPanel.tsx).
import type { RunView } from '../../store/trainingStore.ts';
import { summarizeRun, type BeforeNow } from './runSummary.ts';
import { EngineRunPanel } from './EngineRunPanel.tsx';

const fmt = (x: number | null, d: number) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(d));

function Row({ label, v, d, testId }: { label: string; v: BeforeNow; d: number; testId: string }) {
  const change = v.before !== null && v.now !== null && v.before !== 0 ? (100 * (v.now - v.before)) / Math.abs(v.before) : null;
  return (
    <tr data-testid={testId}>
      <th scope="row">{label}</th>
      <td>{fmt(v.before, d)} → {fmt(v.now, d)}</td>
      <td className="muted">{change === null ? '' : `${change >= 0 ? '+' : ''}${change.toFixed(0)} %`}</td>
    </tr>
  );
}

export function RunSummaryCard({ run }: { run: RunView }) {
  const s = summarizeRun(run.metrics, run.evals);
  const t = s.tokensAfterCertainty;
  return (
    <div className="card" data-testid="run-summary" data-run-id={run.spec.runId}>
      <h4>{run.spec.label}</h4>
      <p className="muted">
        Train rollouts (sampled): step 1 → mean of the last {s.window} step{s.window === 1 ? '' : 's'} (now step {s.step}).
      </p>
      <table>
        <tbody>
          <Row label="Accuracy" v={s.accuracy} d={3} testId="summary-accuracy" />
          <Row label="CoT tokens" v={s.cotTokens} d={1} testId="summary-cot" />
          <Row label="Backtracking / response" v={s.backtracking} d={2} testId="summary-backtracking" />
          <Row label="Tokens after certainty" v={t} d={2} testId="summary-after-certainty" />
        </tbody>
      </table>
      <p className="muted">
        Tokens after certainty: held-out greedy evaluation, {t.fromStep === null ? 'none yet' : `step ${t.fromStep} → ${t.toStep === null ? 'next evaluation' : `step ${t.toStep}`}`}.
      </p>
      {run.spec.model?.kind === 'engine' && <EngineRunPanel run={run} model={run.spec.model} />}
    </div>
  );
}
