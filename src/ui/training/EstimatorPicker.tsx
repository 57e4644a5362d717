// Which RL estimators a comparison runs (repro-method.md §9, §11): each chosen one gets its own
// outcome-only and RePro run, all side by side in the table and charts. At least one stays chosen.
import { ADV_ESTIMATORS, ESTIMATOR_LABELS, type AdvEstimator } from '../../rl/config.ts';

const HINT: Record<AdvEstimator, string> = {
  grpo: 'group-normalised outcome advantage + process advantage (§9)',
  gae: 'PPO: token rewards, a critic (value head on a copy of the SFT trunk), GAE (§11)',
  reinforce_plus_plus: 'REINFORCE++: token rewards, return-to-go normalised over the batch, no critic (§11)',
};

export function EstimatorPicker({ value, onChange, disabled }: { value: AdvEstimator[]; onChange(v: AdvEstimator[]): void; disabled: boolean }) {
  const toggle = (e: AdvEstimator) => {
    const next = value.includes(e) ? value.filter((x) => x !== e) : ADV_ESTIMATORS.filter((x) => x === e || value.includes(x));
    if (next.length > 0) onChange(next);
  };
  return (
    <fieldset className="row" disabled={disabled} data-testid="estimator-picker">
      <legend>Estimators (each runs outcome-only and RePro)</legend>
      {ADV_ESTIMATORS.map((e) => (
        <label key={e} title={HINT[e]}>
          <input type="checkbox" checked={value.includes(e)} onChange={() => toggle(e)} data-testid={`estimator-${e}`} />
          {ESTIMATOR_LABELS[e]}
        </label>
      ))}
    </fieldset>
  );
}
