// Prominent flags on the inspector's input: text the model cannot represent (unknown tokens,
// longer than its context — llm/representability.ts) and an answer line inside the CoT.
import type { Representability } from '../../llm/representability.ts';
import { cotWithoutAnswerLine } from '../../analysis/generationOutcome.ts';

interface Props {
  check: Representability | null;
  cot: string;
  probe: string;
  thinking: boolean;
  modelId: string | null;
  onStripAnswer(cot: string): void;
}

export function InputFlags({ check, cot, probe, thinking, modelId, onStripAnswer }: Props) {
  const answerLine = cot === '' ? null : cotWithoutAnswerLine(cot, probe, thinking);
  return (
    <>
      {check && !check.ok && (
        <div className="card error-card" role="alert" data-testid="unrepresentable">
          <strong className="flag">⚠ {modelId ?? 'The model'} cannot represent this input — it will not be scored.</strong>
          <ul>
            {check.problems.map((p) => <li key={p}>{p}</li>)}
          </ul>
          <span className="muted">Scores of unknown tokens or positions past the context would look valid but mean nothing.</span>
        </div>
      )}
      {check && check.ok && (
        <span className="muted" data-testid="input-tokens">
          {check.tokens} tokens{check.contextLength !== null ? ` of ${check.contextLength} context` : ''}, no unknown tokens
        </span>
      )}
      {answerLine && (
        <div className="card warning-card" role="alert" data-testid="answer-in-cot">
          <span className="warning">
            The CoT contains the answer marker “{answerLine.marker}”: the answer line would be scored as a reasoning step.
          </span>{' '}
          <button type="button" onClick={() => onStripAnswer(answerLine.cot)} data-testid="strip-answer">
            Remove the answer line
          </button>
        </div>
      )}
    </>
  );
}
