// The Status page: what WebGPU adapter we have (or precisely why not), and the kernel self-test.
import { Fragment, useEffect } from 'react';
import { useGpu } from '../../store/gpuStore.ts';
import type { SelfTestReport } from '../../worker/api.ts';
import { formatNumber } from '../format.ts';
import { TryThis } from './TryThis.tsx';

export function StatusScreen() {
  const { status, statusError, refresh } = useGpu();
  useEffect(() => {
    if (!status && !statusError) void refresh();
  }, [status, statusError, refresh]);

  return (
    <section aria-labelledby="status-title" className="screen">
      <TryThis />
      <h2 id="status-title">WebGPU status</h2>
      {statusError && <p className="error" role="alert">{statusError}</p>}
      {!status && !statusError && <p aria-live="polite">Asking the browser for a GPU adapter…</p>}
      {status && !status.available && (
        <div className="card error-card" data-testid="gpu-unavailable" role="alert">
          <h3>WebGPU is unavailable</h3>
          <p>
            Reason: <code data-testid="gpu-reason">{status.reason}</code>
          </p>
          <p>{status.message}</p>
          <p>The inspector can still run models on the WASM backend (slower).</p>
        </div>
      )}
      {status?.available && (
        <div className="card" data-testid="gpu-available">
          <h3>Adapter</h3>
          <dl className="kv">
            <dt>Vendor</dt>
            <dd data-testid="gpu-vendor">{status.adapter.vendor || '—'}</dd>
            <dt>Architecture</dt>
            <dd data-testid="gpu-architecture">{status.adapter.architecture || '—'}</dd>
            <dt>Description</dt>
            <dd>{status.adapter.description || '—'}</dd>
            <dt>Device</dt>
            <dd>{status.adapter.device || '—'}</dd>
          </dl>
          <h3>Key limits</h3>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Limit</th>
                <th scope="col" className="num">Device</th>
                <th scope="col" className="num">Adapter max</th>
              </tr>
            </thead>
            <tbody>
              {status.limits.map((l) => (
                <tr key={l.name}>
                  <th scope="row">{l.name}</th>
                  <td className="num">{formatNumber(l.device)}</td>
                  <td className="num">{formatNumber(l.adapter)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Features</h3>
          <p>
            Adapter: {status.adapterFeatures.length ? status.adapterFeatures.join(', ') : 'none'}
            <br />
            Requested for our device: {status.deviceFeatures.length ? status.deviceFeatures.join(', ') : 'none'}
          </p>
          {status.engineShaderF16 && (
            <p data-testid="gpu-shader-f16">
              shader-f16: {status.adapterFeatures.includes('shader-f16') ? 'offered by this adapter' : 'not offered by this adapter'}; {status.engineShaderF16.note}.
            </p>
          )}
        </div>
      )}
      <SelfTestCard />
    </section>
  );
}

function SelfTestCard() {
  const { selfTest, selfTestRunning, runSelfTest } = useGpu();
  return (
    <div className="card">
      <h3>Kernel self-test</h3>
      <p>Runs the fused logits kernel (log-sum-exp, entropy, log p) on random logits and compares it with a CPU reference.</p>
      <button type="button" onClick={() => void runSelfTest()} disabled={selfTestRunning} data-testid="selftest-run">
        {selfTestRunning ? 'Running…' : 'Run kernel self-test'}
      </button>
      <div aria-live="polite">{selfTest && <SelfTestResult r={selfTest} />}</div>
    </div>
  );
}

function SelfTestResult({ r }: { r: SelfTestReport }) {
  return (
    <div className={r.ok ? 'result ok' : 'result fail'} data-testid="selftest-result" data-ok={String(r.ok)}>
      <p>
        <strong>{r.ok ? 'PASS' : 'FAIL'}</strong> — {r.message}
      </p>
      <dl className="kv">
        {r.rows > 0 && (
          <>
            <dt>Logits tested</dt>
            <dd>
              {r.rows} rows × {formatNumber(r.vocab)} vocab
            </dd>
          </>
        )}
        <dt>Max abs error</dt>
        <dd data-testid="selftest-maxerr">{Number.isFinite(r.maxAbsError) ? r.maxAbsError.toExponential(2) : '—'}</dd>
        {Object.entries(r.perStatistic).map(([name, err]) => (
          <Fragment key={name}>
            <dt>· {name}</dt>
            <dd>{err.toExponential(2)}</dd>
          </Fragment>
        ))}
        <dt>GPU time</dt>
        <dd>{Number.isFinite(r.gpuMs) ? `${r.gpuMs.toFixed(1)} ms` : '—'}</dd>
        <dt>CPU reference time</dt>
        <dd>{Number.isFinite(r.cpuMs) ? `${r.cpuMs.toFixed(1)} ms` : '—'}</dd>
      </dl>
    </div>
  );
}
