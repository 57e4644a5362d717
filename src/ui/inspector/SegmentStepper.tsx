// The CoT as its segments (repro-method.md §2): the current boundary highlighted, per-token
// entropy as a heat underlay, top-k entropy segments (§7) and backtracking segments (§10) marked.
// Only a window of segments around the current step is rendered, so 1 000 segments stay fast.
import { memo } from 'react';
import type { Trajectory } from '../../repro/types.ts';
import type { InspectionAnalysis } from '../../analysis/inspectionAnalysis.ts';
import { fixed } from '../format.ts';

/** Segments shown on each side of the current boundary. */
const WINDOW = 25;
/** Tokens per segment drawn with a heat underlay; the rest is plain text. */
const MAX_HEAT_TOKENS = 400;

interface Props {
  t: Trajectory;
  a: InspectionAnalysis;
  step: number;
  onStep(k: number): void;
}

export function SegmentStepper({ t, a, step, onStep }: Props) {
  const K = a.K;
  const from = Math.max(0, step - WINDOW);
  const to = Math.min(K, step + WINDOW);
  const hMax = Math.max(1e-9, ...t.tokenEntropy.slice(0, 100_000));
  const kept = new Set(a.kept);
  return (
    <div className="card">
      <div className="row stepper-controls">
        <h3 style={{ margin: 0 }}>Segments</h3>
        <button type="button" onClick={() => onStep(step - 1)} disabled={step === 0} aria-label="Previous boundary (← or k)" data-testid="step-prev">
          ←
        </button>
        <span data-testid="step-label" aria-live="polite">
          boundary k = {step} of {K}
        </span>
        <button type="button" onClick={() => onStep(step + 1)} disabled={step >= K} aria-label="Next boundary (→ or j)" data-testid="step-next">
          →
        </button>
        <input type="range" min={0} max={K} value={step} onChange={(e) => onStep(Number(e.target.value))} aria-label="Boundary k" />
        <span className="muted">← / → or j / k step · </span>
        <span className="legend">
          <span className="seg-chip topk">top-k entropy</span> <span className="seg-chip backtrack">backtracking</span>{' '}
          <span className="heat-chip">token entropy</span>
        </span>
      </div>
      {K === 0 && <p className="muted">This CoT has no segments (it is empty or whitespace only, repro-method.md §2): only J_0 is measured.</p>}
      <ol className="segments" start={from + 1} data-testid="segments">
        {from > 0 && <li className="muted elided">… {from} earlier segments</li>}
        {Array.from({ length: to - from }, (_, i) => from + i).map((s) => (
          <Segment
            key={s}
            t={t}
            s={s}
            hMax={hMax}
            current={s === step - 1}
            done={s < step}
            kept={kept.has(s)}
            marker={a.markerBySegment[s]}
            reward={a.rewardBySegment[s]}
            onClick={() => onStep(s + 1)}
          />
        ))}
        {to < K && <li className="muted elided">… {K - to} later segments</li>}
      </ol>
    </div>
  );
}

interface SegProps {
  t: Trajectory;
  s: number;
  hMax: number;
  current: boolean;
  done: boolean;
  kept: boolean;
  marker: string | null;
  reward: number | null;
  onClick(): void;
}

const Segment = memo(function Segment({ t, s, hMax, current, done, kept, marker, reward, onClick }: SegProps) {
  const cls = ['segment', current && 'current', done && 'done', kept && 'topk', marker !== null && 'backtrack'].filter(Boolean).join(' ');
  return (
    <li className={cls} data-testid={`segment-${s}`} aria-current={current ? 'step' : undefined}>
      <button type="button" className="seg-head" onClick={onClick} title="Step to the end of this segment">
        #{s + 1} · H₁ = {fixed(t.firstTokenEntropy[s], 3)} · J = {fixed(t.J[s + 1], 4)}
        {reward !== null && ` · r = ${fixed(reward, 4)}`}
        {kept && ' · top-k'}
        {marker !== null && (
          <>
            {' · '}
            <span className="marker">backtracking: “{marker}”</span>
          </>
        )}
      </button>
      <div className="seg-text">{segmentPieces(t, s, hMax)}</div>
    </li>
  );
});

/** Text pieces of segment s: one span per token (heat = entropy), capped, then plain text. */
function segmentPieces(t: Trajectory, s: number, hMax: number) {
  const span = t.segments[s];
  const tok = t.tokenSpans[s];
  const out = [];
  let at = span.start;
  const last = Math.min(tok.end, tok.start + MAX_HEAT_TOKENS);
  for (let i = tok.start; i < last; i++) {
    const start = Math.max(span.start, t.tokenOffsets[i]);
    const end = Math.min(span.end, i + 1 < t.tokenOffsets.length ? t.tokenOffsets[i + 1] : t.cot.length);
    if (start > at) out.push(t.cot.slice(at, start));
    if (end <= start) continue;
    const h = t.tokenEntropy[i];
    out.push(
      <span key={i} className="tok" style={{ backgroundColor: `rgba(var(--heat), ${(0.65 * Math.min(1, h / hMax)).toFixed(3)})` }} title={`token ${i}: H = ${h.toFixed(4)} nats`}>
        {t.cot.slice(start, end)}
      </span>,
    );
    at = end;
  }
  if (at < span.end) out.push(t.cot.slice(at, span.end));
  return out;
}
