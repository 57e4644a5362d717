// What the Method page makes of docs/repro-method.md before rendering: the user's view (notes for
// contributors left out), its table of contents, and the math syntax GitHub also renders —
// ```math blocks and $`…`$ spans — marked for KaTeX (a remark plugin). Pure: runs in Node.
import type { Root, RootContent, Parent } from 'mdast';

const OPEN = '<!-- contributors -->';
const CLOSE = '<!-- /contributors -->';

/** The markdown without the parts between `<!-- contributors -->` and `<!-- /contributors -->` (an unclosed one runs to the end). */
export function userView(md: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = md.indexOf(OPEN, at);
    if (open < 0) return out + md.slice(at);
    out += md.slice(at, open);
    const close = md.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) return out;
    at = close + CLOSE.length;
  }
}

export interface TocEntry {
  /** '§3' for a numbered section, else null (no anchor the tooltips link to). */
  section: string | null;
  /** The heading as plain text. */
  title: string;
  level: 2 | 3;
}

/** The ## and ### headings outside code fences, as plain text (inline code and math marks dropped). */
export function tableOfContents(md: string): TocEntry[] {
  const out: TocEntry[] = [];
  let fence: string | null = null;
  for (const line of md.split(/\r?\n/)) {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1][0].repeat(f[1].length);
      else if (line.trim().startsWith(fence)) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = /^(#{2,3})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const title = h[2].replace(/\$`([^`]*)`\$/g, '$1').replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]*)\*\*/g, '$1');
    const m = /^§(\w+)/.exec(title);
    out.push({ section: m ? `§${m[1]}` : null, title, level: h[1].length as 2 | 3 });
  }
  return out;
}

type MathData = { hName: string; hProperties: { className: string[] }; hChildren: { type: 'text'; value: string }[] };

function mark(node: { data?: unknown }, tag: string, cls: string, tex: string): void {
  const data: MathData = { hName: tag, hProperties: { className: [cls] }, hChildren: [{ type: 'text', value: tex }] };
  node.data = data;
}

/**
 * remark plugin: a ```math code block becomes <div class="math-display">TeX</div>; an inline code
 * span written $`…`$ becomes <span class="math-inline">TeX</span> (the two `$` removed from the
 * text around it). Anything else is left as it is.
 */
export function remarkMathMarks() {
  return (tree: Root) => walk(tree);
}

function walk(node: Root | RootContent): void {
  if (node.type === 'code' && node.lang === 'math') {
    mark(node, 'div', 'math-display', node.value);
    return;
  }
  if (!('children' in node)) return;
  const parent = node as Parent;
  const kids = parent.children;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    const before = kids[i - 1];
    const after = kids[i + 1];
    if (k.type === 'inlineCode' && before?.type === 'text' && before.value.endsWith('$') && after?.type === 'text' && after.value.startsWith('$')) {
      before.value = before.value.slice(0, -1);
      after.value = after.value.slice(1);
      mark(k, 'span', 'math-inline', k.value);
    } else {
      walk(k);
    }
  }
}
