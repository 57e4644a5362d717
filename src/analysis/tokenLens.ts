// What the token lens shows for one CoT token (issue #17 §1), derived from a scored Trajectory:
// its text, p, rank, entropy, surprise (−log p) and the top-k alternatives, plus the surprise
// strip's downsampling and the visible form of whitespace tokens. Pure: runs in Node.
import type { Trajectory } from '../repro/types.ts';

export interface LensAlternative {
  id: number;
  /** Decoded token text as stored with the trajectory; null when the trajectory has none for this id. */
  text: string | null;
  logProb: number;
  p: number;
  /** This alternative is the token the CoT actually has. */
  chosen: boolean;
}

export interface TokenLensView {
  i: number;
  id: number;
  /** The token's own text, cut from the CoT at its offsets. */
  text: string;
  logProb: number;
  p: number;
  /** −log p (nats). */
  surprise: number;
  /** 0 = the most likely token. */
  rank: number;
  entropy: number;
  k: number;
  alternatives: LensAlternative[];
  /** Probability mass of the listed alternatives (≤ 1). */
  listedMass: number;
}

/** Text of CoT token i: the CoT between its offset and the next token's. */
export function cotTokenText(t: Trajectory, i: number): string {
  const end = i + 1 < t.tokenOffsets.length ? t.tokenOffsets[i + 1] : t.cot.length;
  return t.cot.slice(t.tokenOffsets[i], Math.max(t.tokenOffsets[i], end));
}

/** The lens of CoT token i, or null when the trajectory has no token lens (older inspections). */
export function tokenLensView(t: Trajectory, i: number): TokenLensView | null {
  const l = t.tokenLens;
  if (!l || i < 0 || i >= t.cotTokens.length) return null;
  const lp = l.chosenLogProb[i];
  const alternatives = l.ids[i].map((id, s) => ({
    id,
    text: t.tokenText?.[String(id)] ?? null,
    logProb: l.logProbs[i][s],
    p: Math.exp(l.logProbs[i][s]),
    chosen: id === t.cotTokens[i],
  }));
  return {
    i,
    id: t.cotTokens[i],
    text: cotTokenText(t, i),
    logProb: lp,
    p: Math.exp(lp),
    surprise: -lp,
    rank: l.chosenRank[i],
    entropy: t.tokenEntropy[i],
    k: l.k,
    alternatives,
    listedMass: alternatives.reduce((s, a) => s + a.p, 0),
  };
}

const VISIBLE: Record<string, string> = { ' ': '·', '\n': '↵', '\t': '→', '\r': '␍' };

/** Whitespace made visible (space ·, newline ↵, tab →, CR ␍; empty ∅) so such tokens can be read. */
export function visibleToken(text: string): string {
  if (text === '') return '∅';
  return text.replace(/[ \n\t\r]/g, (c) => VISIBLE[c]);
}

/** At most n points: the max of each bin (peaks are what matter), as the entropy chart does. */
export function maxPerBin(values: number[], n: number): { i: number; v: number; from: number; to: number }[] {
  const bin = Math.max(1, Math.ceil(values.length / Math.max(1, n)));
  const out = [];
  for (let b = 0; b < values.length; b += bin) {
    const to = Math.min(values.length, b + bin);
    let best = b;
    for (let i = b; i < to; i++) if (values[i] > values[best] || Number.isNaN(values[best])) best = i;
    out.push({ i: best, v: values[best], from: b, to });
  }
  return out;
}
