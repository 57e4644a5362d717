// Which bundled toy checkpoint (task regime, src/task/regime.ts): one select for the model panel,
// the batch screen and the training screen, each option named by its regime.
import { REGIME_LABEL, TASK_REGIMES, parseRegime, type TaskRegime } from '../task/regime.ts';

export function RegimeSelect({ value, onChange, disabled, testId, label = 'Bundled model' }: {
  value: TaskRegime; onChange(r: TaskRegime): void; disabled?: boolean; testId: string; label?: string;
}) {
  return (
    <label>
      {label}
      <select value={value} disabled={disabled} onChange={(e) => onChange(parseRegime(e.target.value))} data-testid={testId}>
        {TASK_REGIMES.map((r) => <option key={r} value={r}>{REGIME_LABEL[r]}</option>)}
      </select>
    </label>
  );
}
