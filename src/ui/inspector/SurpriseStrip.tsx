// The per-token surprise strip (issue #17 §1): −log p of each CoT token as a bar, beside the
// entropy heat, long CoTs downsampled to at most MAX_BARS bars (max per bin, like the entropy
// chart). The current segment is shaded; clicking a bar steps to the end of its segment.
import { memo, useMemo } from 'react';
import type { Trajectory } from '../../repro/types.ts';
import { maxPerBin } from '../../analysis/tokenLens.ts';
import { fixed } from '../format.ts';

const MAX_BARS = 600;
const HEIGHT = 32;

interface Props {
  t: Trajectory;
  step: number;
  onStep(k: number): void;
}

export const SurpriseStrip = memo(function SurpriseStrip({ t, step, onStep }: Props) {
  const bins = useMemo(() => (t.tokenLens ? maxPerBin(t.tokenLens.chosenLogProb.map((lp) => -lp), MAX_BARS) : []), [t]);
  if (!t.tokenLens) {
    return (
      <p className="muted" data-testid="surprise-missing">
        Surprise strip (−log p per token): not recorded — this inspection was scored before the token lens existed; score it again to see it.
      </p>
    );
  }
  if (bins.length === 0) return null;
  const sMax = Math.max(1e-9, ...bins.map((b) => (Number.isFinite(b.v) ? b.v : 0)));
  const cur = step > 0 ? t.tokenSpans[step - 1] : null;
  const n = bins.length;
  const segmentOf = (i: number) => t.tokenSpans.findIndex((s) => i >= s.start && i < s.end);
  const perBar = bins[0].to - bins[0].from;
  return (
    <figure className="surprise-strip" data-testid="surprise-strip">
      <figcaption className="muted">
        surprise −log p of each CoT token (max {fixed(sMax, 2)} nats{perBar > 1 ? `; one bar per ${perBar} tokens, their max` : ''})
      </figcaption>
      <svg viewBox={`0 0 ${n} ${HEIGHT}`} preserveAspectRatio="none" width="100%" height={HEIGHT} role="img" aria-label={`Surprise per CoT token, ${t.cotTokens.length} tokens, max ${fixed(sMax, 2)} nats`}>
        {cur && cur.end > cur.start && (
          <rect className="strip-cursor" x={bins.findIndex((b) => b.to > cur.start)} width={Math.max(1, bins.filter((b) => b.from < cur.end && b.to > cur.start).length)} y={0} height={HEIGHT} />
        )}
        {bins.map((b, x) => {
          const h = Number.isFinite(b.v) ? Math.max(0.5, (HEIGHT * b.v) / sMax) : HEIGHT;
          return (
            <rect key={x} className="strip-bar" x={x + 0.1} width={0.8} y={HEIGHT - h} height={h} onClick={() => onStep(segmentOf(b.i) + 1)}>
              <title>{`token ${b.i}: −log p = ${fixed(b.v, 3)} nats${b.to - b.from > 1 ? ` (max of tokens ${b.from}–${b.to - 1})` : ''}`}</title>
            </rect>
          );
        })}
      </svg>
    </figure>
  );
});
