// What a shared link carries beyond the scalar settings (settings.ts): the inspector's inputs and
// model, the batch table's sort and filter, the training form — one JSON object, lz-compressed into
// the `view` query parameter (question and CoT texts make it long). Pure: runs in Node.
// Settings are screen-scoped (settings.ts SCREEN_SETTINGS), and so is this: a link made on the
// training screen carries no inspector inputs, and the other way round.
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { z } from '../data/zod.ts';
import { ORT_DTYPES } from '../llm/ort/dtypeChoice.ts';

/** The backend that ran the view's model (our engine or ONNX Runtime): a link opens it on the same one. */
const backend = z.enum(['engine', 'ort']).optional();
const ModelRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bundled'), backend }),
  z.object({ kind: z.literal('hub'), id: z.string().regex(/^[\w.-]+\/[\w.-]+$/), dtype: z.string().refine((d) => (ORT_DTYPES as readonly string[]).includes(d), { message: `dtype must be one of ${ORT_DTYPES.join(', ')}` }).optional(), backend }),
]);
export type ModelRef = z.infer<typeof ModelRef>;

const LinkViewSchema = z.object({
  inspector: z.object({
    question: z.string().max(100_000),
    answer: z.string().max(10_000),
    cot: z.string().max(1_000_000),
    /** The model the view was made with; a link never carries local files or checkpoints. */
    model: ModelRef.optional(),
  }).optional(),
  batch: z.object({
    sort: z.object({ key: z.string().max(64), dir: z.enum(['asc', 'desc']) }).optional(),
    filter: z.string().max(1000).optional(),
    show: z.string().max(16).optional(),
  }).optional(),
  /** Training form: steps, seed and the run settings by their config names. */
  training: z.record(z.string().max(64), z.number()).optional(),
}).strict();
export type LinkView = z.infer<typeof LinkViewSchema>;

export const VIEW_PARAM = 'view';

export function encodeView(v: LinkView): string {
  return compressToEncodedURIComponent(JSON.stringify(v));
}

/** Decodes a `view` parameter; a malformed one gives an empty view and a message saying why. */
export function decodeView(param: string): { view: LinkView; errors: string[] } {
  const json = decompressFromEncodedURIComponent(param);
  if (!json) return { view: {}, errors: [`${VIEW_PARAM}: not a compressed view (the link was cut or edited)`] };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return { view: {}, errors: [`${VIEW_PARAM}: not JSON (${(e as Error).message})`] };
  }
  const parsed = LinkViewSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { view: {}, errors: [`${VIEW_PARAM}: ${issue.path.join('.') || '(root)'}: ${issue.message}`] };
  }
  return { view: parsed.data, errors: [] };
}

/** The view of one query string (its `view` parameter, if any). */
export function viewFromQuery(query: string): { view: LinkView; errors: string[] } {
  const p = new URLSearchParams(query).get(VIEW_PARAM);
  return p === null ? { view: {}, errors: [] } : decodeView(p);
}
