// The generated answer in its own field with the verifier's verdict, and why generation stopped.
// The answer never enters the CoT box (so it is never scored as a reasoning step).
import type { GenerateResult } from '../../worker/api.ts';
import { describeStop } from '../../analysis/generationOutcome.ts';
import { answersMatch } from '../../analysis/responseSplit.ts';

export function GenerationInfo({ generation, streamingAnswer, truth }: { generation: GenerateResult | null; streamingAnswer: string; truth: string }) {
  const answer = generation?.modelAnswer ?? streamingAnswer;
  if (!generation && streamingAnswer === '') return null;
  const verdict = generation && truth.trim() !== '' ? answersMatch(answer, truth) : null;
  return (
    <div className="generated-answer" data-testid="generated-answer-box">
      <div className="field">
        <label htmlFor="gen-answer">Model&apos;s answer (not part of the CoT)</label>
        <div className="row">
          <input id="gen-answer" readOnly value={answer === '' ? '' : answer} placeholder="(no answer written)" data-testid="generated-answer" size={20} />
          {verdict !== null && (
            <span className={verdict ? 'ok' : 'error'} data-testid="answer-verdict">
              {verdict ? `✓ correct (ground truth ${truth.trim()})` : `✗ wrong (ground truth ${truth.trim()})`}
            </span>
          )}
          {generation && truth.trim() === '' && <span className="muted">enter the ground-truth answer to check it</span>}
        </div>
      </div>
      {generation && (
        <span className="muted" data-testid="generation-info" data-stopped={generation.stopped}>
          Stopped: {describeStop({ stopped: generation.stopped, answerComplete: generation.answerComplete ?? answer !== '' }, generation.tokens, generation.maxTokens ?? generation.tokens)}
        </span>
      )}
    </div>
  );
}
