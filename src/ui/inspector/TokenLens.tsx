// The token lens popover (issue #17 §1): for the hovered or keyboard-focused CoT token, its text,
// probability, rank, entropy and surprise, and the top-k alternatives of the distribution that
// produced it (Trajectory.tokenLens), each with its probability. All text is rendered as text;
// whitespace is made visible. Says so when the inspection was scored without a token lens.
import { useLayoutEffect, useState, type CSSProperties } from 'react';
import type { Trajectory } from '../../repro/types.ts';
import { cotTokenText, tokenLensView, visibleToken } from '../../analysis/tokenLens.ts';
import { fixed, formatNumber, percent } from '../format.ts';

interface Props {
  t: Trajectory;
  /** Index into t.cotTokens. */
  i: number;
  /** Where the token is on screen (the popover sits below it, kept inside the viewport). */
  anchor: DOMRect | null;
  id?: string;
  /** When given, each alternative gets a "branch from here" button (issue #17 §2). */
  onBranch?: (position: number, tokenId: number) => void;
  onMouseEnter?: () => void;
  onMouseLeave?: () => void;
}

function usePosition(anchor: DOMRect | null, el: HTMLDivElement | null): CSSProperties {
  const [style, setStyle] = useState<CSSProperties>({ visibility: 'hidden' });
  useLayoutEffect(() => {
    if (!anchor || !el) return;
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    const left = Math.max(4, Math.min(anchor.left, window.innerWidth - w - 4));
    const below = anchor.bottom + 4;
    const top = below + h > window.innerHeight && anchor.top - h - 4 > 0 ? anchor.top - h - 4 : below;
    setStyle({ left, top });
  }, [anchor, el]);
  return style;
}

export function TokenLens({ t, i, anchor, id, onBranch, onMouseEnter, onMouseLeave }: Props) {
  const [el, setEl] = useState<HTMLDivElement | null>(null);
  const style = usePosition(anchor, el);
  const v = tokenLensView(t, i);
  const text = cotTokenText(t, i);
  return (
    <div
      ref={setEl}
      id={id}
      className="token-lens card"
      role="dialog"
      aria-label={`Token ${i}: alternatives`}
      data-testid="token-lens"
      style={style}
      onMouseEnter={onMouseEnter}
      onMouseLeave={onMouseLeave}
    >
      <div className="lens-head">
        <code className="lens-tok" data-testid="lens-token">{visibleToken(text)}</code>
        <span className="muted"> token {i} · id {t.cotTokens[i]}</span>
      </div>
      {v ? (
        <>
          <dl className="lens-stats">
            <dt>p</dt>
            <dd data-testid="lens-p">{percent(v.p)}</dd>
            <dt>rank</dt>
            <dd data-testid="lens-rank">{v.rank === 0 ? '1 (most likely)' : formatNumber(v.rank + 1)}</dd>
            <dt>entropy</dt>
            <dd data-testid="lens-entropy">{formatNumber(v.entropy)} nats</dd>
            <dt>surprise −log p</dt>
            <dd data-testid="lens-surprise">{formatNumber(v.surprise)} nats</dd>
          </dl>
          <table className="lens-alts" data-testid="lens-alternatives">
            <caption className="muted">
              top {v.alternatives.length} of the distribution ({percent(v.listedMass)} of its mass)
            </caption>
            <tbody>
              {v.alternatives.map((a, s) => (
                <tr key={a.id} className={a.chosen ? 'chosen' : undefined} data-testid="lens-alt">
                  <td className="muted">{s + 1}</td>
                  <td>
                    <code title={`id ${a.id}`}>{a.text === null ? `id ${a.id}` : visibleToken(a.text)}</code>
                  </td>
                  <td className="num">
                    <span className="lens-bar" style={{ width: `${Math.max(1, Math.round(a.p * 60))}px` }} aria-hidden="true" />
                    {percent(a.p)}
                  </td>
                  {onBranch && (
                    <td>
                      {!a.chosen && (
                        <button type="button" onClick={() => onBranch(i, a.id)} data-testid="lens-branch" aria-label={`Branch from token ${i} with ${a.text ?? `id ${a.id}`}`}>
                          branch from here
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {v.rank >= v.alternatives.length && (
            <p className="muted lens-note">The CoT's token is not among these: rank {formatNumber(v.rank + 1)}, p = {percent(v.p)}.</p>
          )}
        </>
      ) : (
        <p className="muted lens-note" data-testid="lens-missing">
          No alternatives recorded: this inspection was scored before the token lens existed. Score it again to see the top-k alternatives
          (entropy H = {fixed(t.tokenEntropy[i], 3)} nats).
        </p>
      )}
    </div>
  );
}
