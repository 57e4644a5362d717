// The live memory pre-flight of the runs Start would build (issue #23 §1): the largest run's
// bytes by part, its total against the budget (marked when the budget is the assumed default),
// its largest buffer against this adapter's limits, and the runs together (they share one base).
// Start is disabled with the reason when they do not fit or the model cannot be opened.
import { comparisonBlocker, togetherBytes, type PreflightFits, type PreflightReport } from '../../worker/trainingApi.ts';

export const fmtBytes = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 2 ** 10).toFixed(1)} KiB`);

export function PreflightPanel({ reports, checking }: { reports: PreflightReport[] | null; checking: boolean }) {
  if (!reports) return checking ? <p className="muted" data-testid="preflight-checking">Checking whether the run fits…</p> : null;
  const blocker = comparisonBlocker(reports);
  const fits = reports.filter((r): r is PreflightFits => r.ok);
  const big = fits.reduce<PreflightFits | null>((a, r) => (a === null || r.totalBytes > a.totalBytes ? r : a), null);
  return (
    <div className="card" data-testid="preflight" data-fits={blocker === null} aria-busy={checking}>
      <h4>
        Memory pre-flight {checking && <span className="muted">(updating…)</span>}
      </h4>
      {big && (
        <>
          <p data-testid="preflight-model">
            {big.model}: {big.arch.family}, {big.arch.layers} layers × {big.arch.hidden}, vocabulary {big.arch.vocab}, weights {big.weightDtype};
            prompts up to {big.maxPromptTokens} tokens, rows of {big.maxSeqLen}.
          </p>
          <table className="data-table">
            <caption className="muted">{reports.length > 1 ? `The largest of the ${reports.length} runs (each run is checked alone, then all together)` : 'The run'}</caption>
            <tbody>
              {big.parts.map((p) => (
                <tr key={p.label}><th scope="row">{p.label}</th><td className="num">{fmtBytes(p.bytes)}</td></tr>
              ))}
              <tr data-testid="preflight-total">
                <th scope="row">total, one run</th>
                <td className="num">{fmtBytes(big.totalBytes)} of {fmtBytes(big.budgetBytes)} budget{big.assumedBudget ? ' (assumed)' : ''}</td>
              </tr>
              {fits.length > 1 && (
                <tr data-testid="preflight-together"><th scope="row">all {fits.length} runs side by side (one shared base)</th><td className="num">{fmtBytes(togetherBytes(fits))}</td></tr>
              )}
              <tr>
                <th scope="row">largest buffer ({big.largestBuffer.name})</th>
                <td className="num">{fmtBytes(big.largestBuffer.bytes)} of {fmtBytes(Math.min(big.limits.maxBufferSize, big.limits.maxStorageBufferBindingSize))} (this adapter&apos;s limit)</td>
              </tr>
            </tbody>
          </table>
        </>
      )}
      {blocker ? <p className="error" role="alert" data-testid="preflight-blocker">{blocker}</p> : <p className="ok" data-testid="preflight-ok">Fits: Start is enabled.</p>}
    </div>
  );
}
