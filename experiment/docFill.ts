// Figures in docs/experiment.md and README.md come from the committed results, not from typing:
// each generated span sits between <!-- fig:ID --> and <!-- /fig --> (a table or a number inside a
// sentence), and `npm run experiment -- --docs` rewrites every span from ./docFigures.ts. The test
// test/unit/experiment/docsInSync.test.ts fails when a doc and the data disagree. Pure.

const SPAN = /<!-- fig:([\w.-]+) -->([\s\S]*?)<!-- \/fig -->/g;

/** The IDs of the generated spans in a document, in order. */
export function spanIds(doc: string): string[] {
  return [...doc.matchAll(SPAN)].map((m) => m[1]);
}

/** `doc` with every span's content replaced by its figure; an ID without a figure is an error. */
export function fillSpans(doc: string, figures: Record<string, string>): string {
  return doc.replace(SPAN, (_all, id: string) => {
    const v = figures[id];
    if (v === undefined) throw new Error(`no generated figure "${id}" (experiment/docFigures.ts)`);
    // a block (table) keeps its own lines between the markers; a number stays inline
    return `<!-- fig:${id} -->${v.includes('\n') ? `\n${v.trim()}\n` : v}<!-- /fig -->`;
  });
}
