// A few rollouts of the latest step, each CoT segment tinted by its process reward
// (repro-method.md §8); each opens in the inspector with the run's current weights, or is compared
// under the starting checkpoint and the current weights (issue #17 §3). All model text is rendered as text.
import { memo, useMemo } from 'react';
import { groupIdentical } from '../../analysis/groupIdentical.ts';
import type { RolloutSample } from '../../rl/metrics.ts';
import { useTraining } from '../../store/trainingStore.ts';
import { useCompare } from '../../store/compareStore.ts';
import { rewardColor } from '../dashboard/chartData.ts';

// memo: the screen re-renders for every worker event; the samples change once a step.
export const SamplesPanel = memo(function SamplesPanel({ runId, label, samples }: { runId: string; label: string; samples: RolloutSample[] }) {
  const openInInspector = useTraining((s) => s.openInInspector);
  const compareWithStart = useCompare((s) => s.compareWithStart);
  const comparing = useCompare((s) => s.pending !== null);
  // Identical completions of one prompt appear once, with their count.
  const groups = useMemo(() => groupIdentical(samples, (s) => JSON.stringify([s.question, s.cot, s.tail])), [samples]);
  if (samples.length === 0) return null;
  return (
    <section className="card" data-testid="samples-panel">
      <h3>Samples · {label}</h3>
      <p className="muted">
        {samples.length} rollouts of the latest step{groups.length < samples.length ? `, ${groups.length} different (identical ones shown once, with their count)` : ''}.
      </p>
      {groups.map(({ item: s, count }, i) => (
        <div key={i} className="result" data-testid="sample" data-count={count}>
          <div className="seg-head">
            {count > 1 && <span className="sample-count" data-testid="sample-count" title={`${count} identical completions of this prompt in the step`}>×{count} </span>}
            <strong>{s.question}</strong> → <span className={s.correct ? 'ok' : 'error'}>{s.correct ? 'correct' : 'wrong'}</span>
            <span className="muted"> (answer {s.answer}, mean advantage {s.advantage.toFixed(3)})</span>{' '}
            <button type="button" onClick={() => void openInInspector(runId, s)} data-testid="open-sample">
              Open in inspector
            </button>{' '}
            <button type="button" onClick={() => void compareWithStart(runId, label, s)} disabled={comparing} data-testid="compare-start"
              title="Score this CoT under the run's starting checkpoint and under its current weights, side by side">
              Compare with the starting model
            </button>
          </div>
          <div className="segments">
            {s.segments.map((seg, k) => (
              <span
                key={k}
                className="segment seg-text pre-wrap"
                style={{ background: rewardColor(seg.reward) }}
                title={seg.reward === null ? 'not scored (outside the top-k)' : `process reward ${seg.reward.toFixed(4)}`}
                data-testid="sample-segment"
              >
                {seg.backtracking ? '↩ ' : ''}{seg.text}
              </span>
            ))}
            <span className="seg-text pre-wrap muted">{s.tail}</span>
          </div>
        </div>
      ))}
    </section>
  );
});
