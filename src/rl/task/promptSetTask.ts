// Any prompt set with answers as an RlTask (the formats the batch screen reads, parsed by
// src/data/parsePromptSet.ts: GSM8K, MATH, TRL, verl, chat): a held-out split the user chooses
// (a seeded random pick, the last items, or a second set), training prompts drawn epoch by epoch in
// a seeded shuffle (TRL's RandomSampler: every item once per epoch), reward 1 when the final answer
// the model gives matches the extracted ground truth (the batch screen's answersMatch).
import { answersMatch } from '../../analysis/responseSplit.ts';
import { Rng } from '../../sampling/rng.ts';
import { markersOf, validateTaskSettings, type HeldOutPick, type PromptSetTaskSettings } from './settings.ts';
import type { ModelFormat, RlTask, TaskItem, TrainStream } from './types.ts';

export interface PromptSetOptions {
  /** shown in logs and run files (the file's name) */
  name: string;
  heldout: HeldOutPick;
  /** items held out ('random', 'last'); ignored for 'separate' */
  heldoutSize?: number;
  /** seed of the 'random' pick (default 0) */
  splitSeed?: number;
  /** the held-out items ('separate' only) */
  heldOutItems?: TaskItem[];
  instruction?: string;
  markers?: string[];
}

export class PromptSetTask implements RlTask<TaskItem> {
  readonly settings: PromptSetTaskSettings;
  readonly markers: readonly string[];
  readonly train: readonly TaskItem[];
  readonly held: readonly TaskItem[];

  /** From the items and settings a run stored: throws when `items` is not the set the settings describe. */
  static fromSettings(items: TaskItem[], settings: PromptSetTaskSettings, heldOutItems?: TaskItem[]): PromptSetTask {
    validateTaskSettings(settings);
    const t = new PromptSetTask(items, {
      name: settings.name, heldout: settings.heldout, heldoutSize: settings.heldout_size, splitSeed: settings.split_seed,
      heldOutItems, instruction: settings.instruction, markers: settings.markers,
    });
    if (t.settings.fingerprint !== settings.fingerprint || t.settings.size !== settings.size) {
      throw new RangeError(`the prompt set given (${t.settings.size} items, fingerprint ${t.settings.fingerprint}) is not the one this run trained on ("${settings.name}": ${settings.size} items, fingerprint ${settings.fingerprint})`);
    }
    return t;
  }

  constructor(items: TaskItem[], o: PromptSetOptions) {
    items.forEach((it, i) => checkItem(it, `items[${i}]`));
    if (items.length === 0) throw new RangeError('a prompt-set task needs at least one item');
    const separate = o.heldout === 'separate';
    if (separate !== (o.heldOutItems !== undefined)) throw new RangeError('held-out items are given exactly when heldout is "separate"');
    o.heldOutItems?.forEach((it, i) => checkItem(it, `heldOutItems[${i}]`));
    const heldoutSize = separate ? o.heldOutItems!.length : o.heldoutSize ?? 0;
    this.settings = {
      kind: 'prompt-set', name: o.name, size: items.length,
      fingerprint: fingerprintItems(separate ? [...items, { question: '\u0000held-out', answer: '' }, ...o.heldOutItems!] : items),
      heldout: o.heldout, heldout_size: heldoutSize, split_seed: o.splitSeed ?? 0, instruction: o.instruction ?? '',
      ...(o.markers ? { markers: o.markers.slice() } : {}),
    };
    validateTaskSettings(this.settings);
    this.markers = markersOf(this.settings);
    if (separate) {
      this.train = items.slice();
      this.held = o.heldOutItems!.slice();
    } else {
      const heldIdx = o.heldout === 'last'
        ? Array.from({ length: heldoutSize }, (_, i) => items.length - heldoutSize + i)
        : shuffled(items.length, new Rng(this.settings.split_seed)).slice(0, heldoutSize);
      const isHeld = new Set(heldIdx);
      this.held = heldIdx.map((i) => items[i]);
      this.train = items.filter((_, i) => !isHeld.has(i));
    }
  }

  get label(): string {
    return `prompt set "${this.settings.name}": ${this.train.length} training, ${this.held.length} held-out items`;
  }

  trainStream(seed: number): TrainStream<TaskItem> {
    const n = this.train.length;
    let epoch = 0;
    let index = 0;
    let order: number[] | null = null;
    const orderOf = (e: number) => shuffled(n, new Rng(((seed >>> 0) ^ Math.imul(e + 1, 0x9e3779b9)) >>> 0));
    return {
      next: () => {
        if (index === n) {
          epoch++;
          index = 0;
          order = null;
        }
        order ??= orderOf(epoch);
        return this.train[order[index++]];
      },
      getState: () => ({ epoch, index }),
      setState(state: unknown): string | null {
        const s = state as { epoch?: unknown; index?: unknown } | null;
        if (s === null || typeof s !== 'object' || !Number.isInteger(s.epoch) || !Number.isInteger(s.index) || (s.epoch as number) < 0 || (s.index as number) < 0 || (s.index as number) > n) {
          throw new RangeError(`a prompt set's stream state must be { epoch, index } with 0 ≤ index ≤ ${n} (got ${JSON.stringify(state)})`);
        }
        epoch = s.epoch as number;
        index = s.index as number;
        order = null;
        return null;
      },
    };
  }

  heldOut(n: number): TaskItem[] {
    return this.held.slice(0, n);
  }

  userText(item: TaskItem): string {
    return this.settings.instruction ? `${item.question}\n\n${this.settings.instruction}` : item.question;
  }

  reward(item: TaskItem, completion: string, format: ModelFormat): number {
    return answersMatch(format.finalAnswer(completion), item.answer) ? 1 : 0;
  }
}

function checkItem(it: TaskItem, where: string): void {
  if (it === null || typeof it !== 'object') throw new TypeError(`${where} must be an object with question and answer`);
  if (typeof it.question !== 'string' || it.question.trim().length === 0) throw new RangeError(`${where}.question must be non-empty text`);
  if (typeof it.answer !== 'string' || it.answer.trim().length === 0) throw new RangeError(`${where}.answer must be non-empty text (J scores it, the verifier matches it)`);
}

/** 0 … n−1 in a Fisher–Yates order drawn from `rng`. */
function shuffled(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** A 53-bit hash (cyrb53) of the items' questions and answers, in order, as 14 hex digits. */
export function fingerprintItems(items: readonly TaskItem[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  };
  for (const it of items) {
    feed(it.question);
    feed('\u0000');
    feed(it.answer);
    feed('\u0001');
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
