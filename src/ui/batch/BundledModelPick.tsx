// The batch screen's own choice of a bundled toy checkpoint (either regime), so a batch can be run
// on the mixed or the verbose model without a trip to the inspector.
import { useState } from 'react';
import { useModel } from '../../store/modelStore.ts';
import { RegimeSelect } from '../RegimeSelect.tsx';
import type { TaskRegime } from '../../task/regime.ts';

export function BundledModelPick({ disabled }: { disabled: boolean }) {
  const load = useModel((s) => s.load);
  const loading = useModel((s) => s.loading);
  const [regime, setRegime] = useState<TaskRegime>('mixed');
  return (
    <div className="row" data-testid="batch-bundled">
      <RegimeSelect value={regime} onChange={setRegime} disabled={disabled || loading} testId="batch-regime" />
      <button type="button" disabled={disabled || loading} data-testid="batch-load-bundled"
        onClick={() => void load(regime === 'mixed' ? { kind: 'bundled' } : { kind: 'bundled', regime })}>
        Load bundled model
      </button>
    </div>
  );
}
