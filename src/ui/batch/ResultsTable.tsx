// Batch results: one row per prompt, sortable (click a header) and filterable; click or Enter on
// a row opens it in the inspector. Exports CSV, JSON and JSONL. Rendered from deferred copies of the
// results (a background render), so rows streaming in never block the page for long.
import { Fragment, memo, useDeferredValue, useMemo, useState } from 'react';
import { useBatch } from '../../store/batchStore.ts';
import { useInspector } from '../../store/inspectorStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { CSV_COLUMNS, NUMBER_COLUMNS, SCORING_TEXT, filterRows, scoringOf, sortRows, type BatchRow, type SortKey } from '../../analysis/batchRows.ts';
import { singleNewlineOnly } from '../../analysis/delimiter.ts';
import { useBatchView, type BatchSort } from '../../store/batchViewStore.ts';
import type { BatchItemResult } from '../../worker/api.ts';
import { toCsv, toJson, toJsonl } from '../../data/index.ts';
import { downloadText } from '../download.ts';
import { fixed } from '../format.ts';
import { describeRunInfo, runInfoColumns, RUN_INFO_COLUMNS, type BatchRunInfo } from '../../store/batchRunInfo.ts';

const COLUMNS: { key: SortKey; label: string; num?: boolean; digits?: number }[] = [
  { key: 'line', label: 'line', num: true },
  { key: 'question', label: 'question' },
  { key: 'answer', label: 'answer' },
  { key: 'correct', label: 'correct' },
  { key: 'cotTokens', label: 'CoT tokens', num: true },
  { key: 'segments', label: 'K', num: true },
  { key: 'backtracking', label: 'backtracking', num: true },
  { key: 'tokensAfterCertainty', label: 'tokens after certainty', num: true },
  { key: 'plateaus', label: 'plateaus', num: true },
  { key: 'finalScore', label: 'S(K)', num: true, digits: 4 },
  { key: 'J0', label: 'J₀', num: true, digits: 4 },
  { key: 'JK', label: 'J_K', num: true, digits: 4 },
];
/** Rows rendered per page of the table (the export holds all of them). */
const PAGE = 200;

export function ResultsTable() {
  const rows = useDeferredValue(useBatch((s) => s.rows));
  const results = useDeferredValue(useBatch((s) => s.results));
  const runId = useBatch((s) => s.runId);
  const runInfo = useBatch((s) => s.runInfo);
  return <ResultsTableView rows={rows} results={results} runId={runId} runInfo={runInfo} />;
}

interface ViewProps { rows: BatchRow[]; results: BatchItemResult[]; runId: string | null; runInfo: BatchRunInfo | null }

const ResultsTableView = memo(function ResultsTableView({ rows, results, runId, runInfo }: ViewProps) {
  const { w, eps } = useSettings((s) => s.settings);
  const notScored = rows.filter((r) => r.scoring === 'not-scored').length;
  const scoredAnyway = rows.filter((r) => r.scoring === 'scored-anyway').length;
  const oneSegment = useMemo(() => multiLineOneSegment(rows, results, runInfo), [rows, results, runInfo]);
  // Sort, filter and shown subset live in a store so a shared link can carry them.
  const { sort, filter: query, show, setSort: setSortState, setFilter: setQuery, setShow } = useBatchView();
  const setSort = (f: (s: BatchSort) => BatchSort) => setSortState(f(sort));
  const [limit, setLimit] = useState(PAGE);
  const visible = useMemo(() => sortRows(filterRows(rows, query, show), sort.key, sort.dir), [rows, query, show, sort]);
  const showInInspector = useInspector((s) => s.show);
  const setTab = useSettings((s) => s.setTab);

  const setInput = useInspector((s) => s.setInput);
  const open = (r: BatchRow) => {
    const res = results[r.index];
    if (r.flag !== '' && res) {
      // The inspector's rule: it shows the input and why it is not scored, never its numbers.
      setInput({ question: res.question, answer: res.answer, cot: res.trajectory?.cot ?? res.cot ?? '' });
      setTab('inspector');
      return;
    }
    if (!res?.trajectory) return;
    showInInspector(res.trajectory, runInfo ? { id: runInfo.model, backend: runInfo.backend } : null, res.generated ? { text: '', cot: res.trajectory.cot, modelAnswer: res.modelAnswer, tokens: res.trajectory.cotTokens.length, stopped: res.stopped ?? 'unrecorded', answerComplete: res.modelAnswer !== '' } : null);
    setTab('inspector');
  };
  const toggleSort = (key: SortKey) => setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }));
  const stem = runId ?? 'batch';

  if (rows.length === 0) return null;
  return (
    <div className="card" data-testid="results">
      <h3>Results ({rows.length})</h3>
      <p className="muted" data-testid="batch-run-info">
        {runInfo ? `Model: ${describeRunInfo(runInfo)}` : 'Model and settings of this run were not recorded (saved by an older version).'} · S(K) with w {w}, ε {eps}
      </p>
      {notScored > 0 && (
        <p className="error" role="alert" data-testid="batch-not-scored">
          ⚠ {notScored} of {rows.length} rows were not scored: the model cannot represent their input (unknown tokens or longer than its
          context), and a score of such input would look valid but mean nothing — the Inspector's rule. Each row below says why. To see
          their numbers anyway, marked ⚠, tick “Score input the model cannot represent anyway” under Run and run again.
        </p>
      )}
      {scoredAnyway > 0 && (
        <p className="error" role="alert" data-testid="batch-flagged">
          ⚠ {scoredAnyway} of {rows.length} rows hold input the model cannot represent and were scored anyway, as this run asked: their
          numbers are not meaningful. Every one of them is marked ⚠ below, in the charts and in the exports (columns scoring and flag).
        </p>
      )}
      {oneSegment > 0 && (
        <p className="warning" data-testid="batch-one-segment">
          {oneSegment} {oneSegment === 1 ? 'row is' : 'rows are'} one segment (K = 1) although {oneSegment === 1 ? 'its CoT has' : 'their CoTs have'} several
          lines: this run split segments at blank lines only. Split at single newlines (the prompt set's report above) and run again to see J
          after every line.
        </p>
      )}
      <div className="row">
        <label>
          Filter <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="text in question/answer" data-testid="batch-filter" />
        </label>
        <label>
          Show
          <select value={show} onChange={(e) => setShow(e.target.value as typeof show)} data-testid="batch-show">
            <option value="all">all</option>
            <option value="correct">correct</option>
            <option value="wrong">wrong</option>
            <option value="errors">errors</option>
            <option value="flagged">flagged (unrepresentable)</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() => {
            const ctx = runInfoColumns(runInfo, { w, eps });
            downloadText(`${stem}.csv`, toCsv(rows.map((r) => ({ ...csvRecord(r), ...ctx })), [...CSV_COLUMNS, ...RUN_INFO_COLUMNS]), 'text/csv');
          }}
          data-testid="export-csv"
        >
          Export CSV
        </button>
        <button type="button" onClick={() => downloadText(`${stem}.json`, toJson({ run: runId, model: runInfo, analysis: { w, eps }, results: withScoring(results) }))} data-testid="export-batch-json">
          Export JSON
        </button>
        <button type="button" onClick={() => downloadText(`${stem}.jsonl`, toJsonl(withScoring(results)), 'application/jsonl')} data-testid="export-batch-jsonl">
          Export JSONL
        </button>
      </div>
      <div className="table-scroll" style={{ maxHeight: 520 }}>
        <table className="data-table" data-testid="results-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" className={c.num ? 'num' : undefined} aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" className="sort-button" onClick={() => toggleSort(c.key)} data-testid={`sort-${c.key}`}>
                    {c.label}
                    {sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.slice(0, limit).map((r) => (
              <Fragment key={r.index}>
                <tr
                  tabIndex={0}
                  onClick={() => open(r)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') open(r);
                  }}
                  data-testid="result-row"
                  data-index={r.index}
                  data-flagged={r.flag !== '' ? 'true' : undefined}
                  data-scoring={r.scoring}
                  className={r.flag !== '' ? 'clickable flagged-row' : 'clickable'}
                  title={r.flag !== '' ? 'Open its input in the inspector (not scored there either)' : (r.error ?? 'Open in the inspector')}
                >
                  {COLUMNS.map((c) => (
                    <td key={c.key} className={c.num ? 'num' : undefined} data-col={c.key}>
                      {cell(r, c.key, c.digits)}
                    </td>
                  ))}
                </tr>
                {(r.flag !== '' || r.error !== null) && (
                  <tr className={r.flag !== '' ? 'row-note flagged-row' : 'row-note'} data-testid="row-note" data-index={r.index}>
                    <td colSpan={COLUMNS.length}>{rowNote(r)}</td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {visible.length > limit && (
        <button type="button" onClick={() => setLimit((l) => l + PAGE)}>
          Show {Math.min(PAGE, visible.length - limit)} more of {visible.length - limit}
        </button>
      )}
    </div>
  );
});

function cell(r: BatchRow, key: SortKey, digits?: number): string {
  const v = r[key];
  if (key === 'correct') return v === null ? '—' : v ? '✓' : '✗';
  if (key === 'question') return r.flag !== '' ? `⚠ ${truncate(r.question)}` : truncate(r.question);
  if (v === null || v === undefined) return '—';
  const text = typeof v === 'number' && digits !== undefined ? fixed(v, digits) : truncate(String(v));
  // A number of a row the model cannot represent is marked where it is shown.
  return r.scoring === 'scored-anyway' && (NUMBER_COLUMNS as readonly string[]).includes(key) ? `⚠ ${text}` : text;
}

/** The full reason under a row (never cut): why it was not scored, why its numbers are flagged, or its error. */
function rowNote(r: BatchRow): string {
  const parts: string[] = [];
  if (r.scoring === 'not-scored') parts.push(`⚠ Not scored — the model cannot represent this input: ${r.flag}.`);
  if (r.scoring === 'scored-anyway') parts.push(`⚠ Scored anyway, numbers not meaningful — the model cannot represent this input: ${r.flag}.`);
  if (r.scoring === 'error' && r.flag !== '') parts.push(`⚠ The model cannot represent this input: ${r.flag}.`);
  if (r.error !== null) parts.push(`Error: ${r.error}`);
  return parts.join(' ');
}

/** Results as exported (JSON, JSONL): each says in words how it was scored. */
function withScoring(results: BatchItemResult[]): (BatchItemResult & { scoring: string })[] {
  return results.map((r) => ({ ...r, scoring: SCORING_TEXT[scoringOf(r)] }));
}

/** Rows scored as one segment although their CoT holds several lines, in a run split at blank lines only. */
function multiLineOneSegment(rows: BatchRow[], results: BatchItemResult[], info: BatchRunInfo | null): number {
  if (info && info.delimiter !== '') return 0;
  return rows.filter((r) => r.segments === 1 && singleNewlineOnly(results[r.index]?.trajectory?.cot ?? '')).length;
}

function truncate(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function csvRecord(r: BatchRow): Record<string, unknown> {
  return Object.fromEntries(CSV_COLUMNS.map((c) => [c, c === 'scoring' ? SCORING_TEXT[r.scoring] : r[c]]));
}
