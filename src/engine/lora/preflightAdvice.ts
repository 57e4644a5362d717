// What to lower when a LoRA run does not fit (./preflight.ts): each knob alone at the largest value
// that fits; fewer LoRA targets; and, when the knobs that do not change the results (sequences per
// pass, inference rows, the head's chunk) are not enough alone, each knob that does, with those
// lowered only as far as needed. Never below a floor that would make the run meaningless. Pure.
import { LORA_TARGETS, type LoraTarget } from './loraConfig.ts';
import { DEFAULT_INFERENCE_ROWS, headChunkColumns } from './preflightBuffers.ts';
import { fitsWith, formatBytes, type PreflightInput } from './preflightCheck.ts';

export type Knob = 'numGenerations' | 'maxCompletionTokens' | 'promptsPerStep' | 'sequencesPerPass' | 'vocabChunk' | 'inferenceRows' | 'r' | 'targets';

export interface Advice {
  /** what to change: one knob (its largest value that fits, the others unchanged), or the free knobs' floors and one more */
  changes: { knob: Knob; from: number | string; to: number | string }[];
  /** the run's total after the changes */
  totalBytes: number;
  message: string;
}

const KNOB_LABEL: Record<Knob, string> = {
  numGenerations: 'group size G (samples per prompt)',
  maxCompletionTokens: 'response length (most completion tokens)',
  promptsPerStep: 'prompts per step',
  sequencesPerPass: 'sequences per training pass',
  vocabChunk: 'the log-prob head\'s vocabulary chunk',
  inferenceRows: 'rows per sampling / probe chunk',
  r: 'LoRA rank r',
  targets: 'LoRA targets',
};

type NumKnob = Exclude<Knob, 'targets'>;

/**
 * Lowest values advice goes down to (or the current value, if lower): GRPO needs two samples per
 * group, a chain of thought needs room, a rank below 4 adapts little.
 */
const FLOOR: Record<NumKnob, number> = { sequencesPerPass: 1, vocabChunk: 1024, inferenceRows: 64, numGenerations: 2, maxCompletionTokens: 32, promptsPerStep: 1, r: 4 };
/** Knobs that change memory and speed but not what is computed: tried first, and lowered with the others when no knob alone is enough. */
const FREE: NumKnob[] = ['sequencesPerPass', 'inferenceRows', 'vocabChunk'];
const RESULT: NumKnob[] = ['numGenerations', 'maxCompletionTokens', 'promptsPerStep', 'r'];

function current(x: PreflightInput, k: NumKnob): number {
  const t = x.train;
  switch (k) {
    case 'sequencesPerPass': return t.sequencesPerPass ?? t.promptsPerStep * t.numGenerations;
    case 'vocabChunk': return headChunkColumns(x.config, t);
    case 'inferenceRows': return t.inferenceRows ?? DEFAULT_INFERENCE_ROWS;
    case 'r': return x.lora.r;
    default: return t[k];
  }
}

function withKnob(x: PreflightInput, k: NumKnob, v: number): PreflightInput {
  const t = x.train;
  const S = current(x, 'sequencesPerPass');
  switch (k) {
    case 'r': return { ...x, lora: { ...x.lora, r: v } };
    // a pass never holds more sequences than the step has
    case 'numGenerations': return { ...x, train: { ...t, numGenerations: v, sequencesPerPass: Math.min(S, t.promptsPerStep * v) } };
    case 'promptsPerStep': return { ...x, train: { ...t, promptsPerStep: v, sequencesPerPass: Math.min(S, v * t.numGenerations) } };
    default: return { ...x, train: { ...t, [k]: v } };
  }
}

/** Each knob alone: the largest value in [floor, current) that makes the run fit. */
function singleKnobs(x: PreflightInput, knobs: NumKnob[], prefix: Advice['changes']): Advice[] {
  const out: Advice[] = [];
  for (const knob of knobs) {
    const from = current(x, knob);
    const floor = Math.min(FLOOR[knob], from);
    const best = largestFitting(floor, from - 1, (v) => fits(withKnob(x, knob, v)));
    if (best === null) continue;
    out.push(adviceOf(withKnob(x, knob, best), [...prefix, { knob, from, to: best }]));
  }
  return out;
}

const changeText = (c: Advice['changes'][number]) =>
  c.knob === 'targets' ? `adapt only ${c.to} instead of ${c.from}`
    // a default that moved with another knob (the head's chunk follows the rows of a pass)
    : (c.to as number) >= (c.from as number) ? `set ${KNOB_LABEL[c.knob]} to ${c.to}`
      : `lower ${KNOB_LABEL[c.knob]} from ${c.from} to ${c.to}`;

const fits = (x: PreflightInput) => fitsWith(x).ok;
const atFloor = (x: PreflightInput, k: NumKnob) => withKnob(x, k, Math.min(FLOOR[k], current(x, k)));
const adviceOf = (x: PreflightInput, changes: Advice['changes']): Advice => {
  const totalBytes = fitsWith(x).totalBytes;
  return { changes, totalBytes, message: `${changes.map(changeText).join(', and ')} (needs ${formatBytes(totalBytes)})` };
};

/**
 * A knob that changes the results at the largest value that fits with the free knobs at their
 * floors; then the free knobs, in order, lowered only as far as that value needs.
 */
function withFreeKnobs(x: PreflightInput, knob: NumKnob): Advice | null {
  const floors = (y: PreflightInput, from: number) => FREE.slice(from).reduce(atFloor, y);
  const from = current(x, knob);
  const best = largestFitting(Math.min(FLOOR[knob], from), from - 1, (v) => fits(floors(withKnob(x, knob, v), 0)));
  if (best === null) return null;
  let z = withKnob(x, knob, best);
  const changes: Advice['changes'] = [];
  FREE.forEach((k, i) => {
    if (fits(floors(z, i + 1))) return; // k need not change
    const cur = current(z, k);
    const v = largestFitting(Math.min(FLOOR[k], cur), cur - 1, (w) => fits(floors(withKnob(z, k, w), i + 1)))!;
    // said from the user's setting (lowering G or P may already have lowered S, or moved the default chunk)
    changes.push({ knob: k, from: current(x, k), to: v });
    z = withKnob(z, k, v);
  });
  return adviceOf(z, [...changes, { knob, from, to: best }]);
}

/**
 * What to lower, with the value that fits: each knob alone; fewer LoRA targets; and when the
 * free knobs alone are not enough, each knob that changes the results together with the free
 * knobs (it then needs to go down less).
 */
export function advise(x: PreflightInput): Advice[] {
  const out = singleKnobs(x, [...FREE, ...RESULT], []);
  const fewer: LoraTarget[][] = [['q_proj', 'k_proj', 'v_proj', 'o_proj'], ['q_proj', 'v_proj']];
  for (const targets of fewer) {
    if (targets.length >= x.lora.targets.length) continue;
    const y = { ...x, lora: { ...x.lora, targets } };
    if (!fits(y)) continue;
    out.push(adviceOf(y, [{ knob: 'targets', from: LORA_TARGETS.filter((p) => x.lora.targets.includes(p)).join(', '), to: targets.join(', ') }]));
    break;
  }
  if (out.some((a) => FREE.includes(a.changes[0].knob as NumKnob))) return out; // the results need not change
  for (const knob of RESULT) {
    const a = withFreeKnobs(x, knob);
    // worth listing only when it changes the knob less than the knob alone would
    const alone = out.find((o) => o.changes.length === 1 && o.changes[0].knob === knob);
    if (a && a.changes.length > 1 && (!alone || (a.changes.at(-1)!.to as number) > (alone.changes[0].to as number))) out.push(a);
  }
  return out;
}

/** The largest v in [lo, hi] with ok(v), for ok monotone (true up to some value); null if none. */
function largestFitting(lo: number, hi: number, ok: (v: number) => boolean): number | null {
  if (hi < lo || !ok(lo)) return null;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

