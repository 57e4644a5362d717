// The Inspector: model panel, inputs, then — once a trajectory is scored — the segment stepper,
// charts, numbers table and summary. Keyboard: ← / → and j / k step through boundaries.
import { useEffect, useMemo } from 'react';
import { useInspector } from '../../store/inspectorStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { analyseTrajectory, type InspectionAnalysis } from '../../analysis/inspectionAnalysis.ts';
import { answersMatch } from '../../analysis/responseSplit.ts';
import { ModelPanel } from './ModelPanel.tsx';
import { InputPanel } from './InputPanel.tsx';
import { SegmentStepper } from './SegmentStepper.tsx';
import { InspectorCharts } from './InspectorCharts.tsx';
import { NumbersTable } from './NumbersTable.tsx';
import { SummaryCard } from './SummaryCard.tsx';
import { SavedInspections } from './SavedInspections.tsx';
import { AnalysisControls } from './AnalysisControls.tsx';
import { LinkBanner } from './LinkBanner.tsx';
import { BranchPanel } from './BranchPanel.tsx';
import { useBranches } from '../../store/branchStore.ts';

/** The token lens's "branch from here" (issue #17): the branch panel shows progress and errors. */
const branchFromLens = (position: number, tokenId: number) => void useBranches.getState().branchFrom(position, { tokenId });
import { InspectorCompare } from '../compare/InspectorCompare.tsx';

export function InspectorScreen() {
  const { trajectory: t, step, setStep, stepBy, error, generation } = useInspector();
  const { topK, w, eps, markers } = useSettings((s) => s.settings);
  const result = useMemo((): { a: InspectionAnalysis } | { error: string } | null => {
    if (!t) return null;
    try {
      return { a: analyseTrajectory(t, { topK, w, eps, markers }) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [t, topK, w, eps, markers]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'ArrowRight' || e.key === 'j') stepBy(1);
      else if (e.key === 'ArrowLeft' || e.key === 'k') stepBy(-1);
      else if (e.key === 'Home') setStep(0);
      else if (e.key === 'End') setStep(Number.MAX_SAFE_INTEGER);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stepBy, setStep]);

  const correct = generation && t ? answersMatch(generation.modelAnswer, t.answer) : null;
  return (
    <section className="screen" aria-labelledby="inspector-title">
      <h2 id="inspector-title">Inspector</h2>
      <LinkBanner />
      <div className="grid-2">
        <div>
          <ModelPanel />
          <SavedInspections />
        </div>
        <InputPanel />
      </div>
      {error && (
        <p className="error pre-wrap card error-card" role="alert" data-testid="inspector-error">
          {error}
        </p>
      )}
      {result && 'error' in result && (
        <p className="error card error-card" role="alert">
          This trajectory cannot be analysed: {result.error}
        </p>
      )}
      {t && result && 'a' in result && (
        <div data-testid="inspection">
          <SummaryCard a={result.a} correct={correct} />
          <AnalysisControls K={result.a.K} />
          <SegmentStepper t={t} a={result.a} step={step} onStep={setStep} onBranch={branchFromLens} />
          <InspectorCharts t={t} a={result.a} step={step} />
          <NumbersTable t={t} a={result.a} step={step} />
          <BranchPanel key={`${t.question}\u0000${t.cot}`} t={t} />
        </div>
      )}
      <InspectorCompare />
    </section>
  );
}
