// The CoT as its segments (repro-method.md §2): the current boundary highlighted, per-token
// entropy as a heat underlay, top-k entropy segments (§7) and backtracking segments (§10) marked.
// Only a window of segments around the current step is rendered, so 1 000 segments stay fast.
// Tokens are focusable (one tab stop, ← / → move between tokens); hovering or focusing one opens
// the token lens (TokenLens.tsx), and the surprise strip sits above the text (issue #17 §1).
import { memo, useEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { Trajectory } from '../../repro/types.ts';
import type { InspectionAnalysis } from '../../analysis/inspectionAnalysis.ts';
import { fixed } from '../format.ts';
import { TokenLens } from './TokenLens.tsx';
import { SurpriseStrip } from './SurpriseStrip.tsx';

/** Segments shown on each side of the current boundary. */
const WINDOW = 25;
/** Tokens per segment drawn with a heat underlay; the rest is plain text. */
const MAX_HEAT_TOKENS = 400;

interface Props {
  t: Trajectory;
  a: InspectionAnalysis;
  step: number;
  onStep(k: number): void;
  /** Passed to the token lens: a "branch from here" button per alternative (issue #17 §2). */
  onBranch?: (position: number, tokenId: number) => void;
}

const LENS_ID = 'token-lens-popover';

function tokenIndex(el: EventTarget | null): number | null {
  const tok = el instanceof Element ? el.closest<HTMLElement>('[data-tok]') : null;
  return tok ? Number(tok.dataset.tok) : null;
}

export function SegmentStepper({ t, a, step, onStep, onBranch }: Props) {
  const K = a.K;
  const from = Math.max(0, step - WINDOW);
  const to = Math.min(K, step + WINDOW);
  const hMax = Math.max(1e-9, ...t.tokenEntropy.slice(0, 100_000));
  const kept = new Set(a.kept);
  const [lens, setLens] = useState<{ i: number; anchor: DOMRect } | null>(null);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLOListElement>(null);
  const closeTimer = useRef<number | undefined>(undefined);
  useEffect(() => setLens(null), [t]);
  useEffect(() => () => window.clearTimeout(closeTimer.current), []);
  // The popover is position: fixed; it follows its token when the page scrolls.
  useEffect(() => {
    if (!lens) return;
    const follow = () => {
      const el = listRef.current?.querySelector(`[data-tok="${lens.i}"]`);
      if (el) setLens({ i: lens.i, anchor: el.getBoundingClientRect() });
    };
    window.addEventListener('scroll', follow, { passive: true, capture: true });
    return () => window.removeEventListener('scroll', follow, { capture: true });
  }, [lens]);
  // One tab stop: the last focused token if it is rendered, else the first rendered one.
  const first = K > 0 ? t.tokenSpans[from].start : -1;
  const last = K > 0 ? t.tokenSpans[to - 1].end : -1;
  const tabTok = active >= first && active < last ? active : first;

  const open = (el: Element) => {
    const i = tokenIndex(el);
    if (i === null) return;
    window.clearTimeout(closeTimer.current);
    setLens({ i, anchor: el.closest('[data-tok]')!.getBoundingClientRect() });
  };
  const closeSoon = () => {
    window.clearTimeout(closeTimer.current);
    // A moment to move the pointer into the popover (its buttons).
    closeTimer.current = window.setTimeout(() => setLens(null), 200);
  };
  const stay = () => window.clearTimeout(closeTimer.current);
  const onOver = (e: MouseEvent) => {
    if (tokenIndex(e.target) !== null) open(e.target as Element);
  };
  const onOut = (e: MouseEvent) => {
    if (tokenIndex(e.target) !== null && tokenIndex(e.relatedTarget) === null) closeSoon();
  };
  const onFocus = (e: FocusEvent) => {
    const i = tokenIndex(e.target);
    if (i === null) return;
    setActive(i);
    open(e.target);
  };
  const onBlur = (e: FocusEvent) => {
    const next = e.relatedTarget as Node | null;
    if (tokenIndex(e.target) !== null && !(next && document.getElementById(LENS_ID)?.contains(next))) closeSoon();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const i = tokenIndex(e.target);
    if (i === null || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape') {
      setLens(null);
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      // Token focus moves; the window's ← / → boundary stepping is not triggered (j / k still step).
      const toks = Array.from(listRef.current?.querySelectorAll<HTMLElement>('[data-tok]') ?? []);
      const at = toks.findIndex((el) => Number(el.dataset.tok) === i);
      toks[at + (e.key === 'ArrowRight' ? 1 : -1)]?.focus();
    } else if (e.key === 'Enter' && lens) {
      document.getElementById(LENS_ID)?.querySelector<HTMLElement>('button')?.focus();
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  };
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
      <p className="muted lens-hint">Hover a token, or Tab to the text and move with ← / →, to see its probability, rank and the alternatives.</p>
      <SurpriseStrip t={t} step={step} onStep={onStep} />
      {K === 0 && <p className="muted">This CoT has no segments (it is empty or whitespace only, repro-method.md §2): only J_0 is measured.</p>}
      <ol
        className="segments"
        start={from + 1}
        data-testid="segments"
        ref={listRef}
        onMouseOver={onOver}
        onMouseOut={onOut}
        onFocus={onFocus}
        onBlur={onBlur}
        onKeyDown={onKeyDown}
      >
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
            tabTok={tabTok >= t.tokenSpans[s].start && tabTok < t.tokenSpans[s].end ? tabTok : -1}
            lensTok={lens && lens.i >= t.tokenSpans[s].start && lens.i < t.tokenSpans[s].end ? lens.i : -1}
            onClick={() => onStep(s + 1)}
          />
        ))}
        {to < K && <li className="muted elided">… {K - to} later segments</li>}
      </ol>
      {lens && <TokenLens t={t} i={lens.i} anchor={lens.anchor} id={LENS_ID} onBranch={onBranch} onMouseEnter={stay} onMouseLeave={closeSoon} />}
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
  /** The token that is the tab stop (−1: none in this segment), and the one the lens shows. */
  tabTok: number;
  lensTok: number;
  onClick(): void;
}

const Segment = memo(function Segment({ t, s, hMax, current, done, kept, marker, reward, tabTok, lensTok, onClick }: SegProps) {
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
      <div className="seg-text">{segmentPieces(t, s, hMax, tabTok, lensTok)}</div>
    </li>
  );
});

/** Text pieces of segment s: one span per token (heat = entropy), capped, then plain text. */
function segmentPieces(t: Trajectory, s: number, hMax: number, tabTok: number, lensTok: number) {
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
    const text = t.cot.slice(start, end);
    out.push(
      <span
        key={i}
        // A newline token gets a visible ↵ (CSS, not text) so it can be hovered like any other.
        className={text.includes('\n') ? 'tok nl' : 'tok'}
        data-tok={i}
        tabIndex={i === tabTok ? 0 : -1}
        aria-describedby={i === lensTok ? LENS_ID : undefined}
        style={{ backgroundColor: `rgba(var(--heat), ${(0.65 * Math.min(1, h / hMax)).toFixed(3)})` }}
      >
        {text}
      </span>,
    );
    at = end;
  }
  if (at < span.end) out.push(t.cot.slice(at, span.end));
  return out;
}
