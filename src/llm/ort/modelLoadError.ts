// Loading errors that say what went wrong and what to do, with a machine-readable kind, and the
// translation of ONNX Runtime's raw messages into them. Pure: no ORT import.

export type ModelLoadErrorKind =
  | 'missing-file' // a required file is not in the folder / repository
  | 'http' // the server answered with a non-OK status other than 404
  | 'network' // fetch itself failed (offline, CORS, DNS)
  | 'unsupported-operator' // the graph uses an op the execution provider cannot run
  | 'corrupt-file' // truncated or not valid JSON/ONNX
  | 'out-of-memory'
  | 'invalid-config' // config.json lacks what we need, or the graph breaks the layout we read
  | 'aborted';

export class ModelLoadError extends Error {
  readonly kind: ModelLoadErrorKind;
  /** The file at fault, relative to the model root (e.g. onnx/model_q4f16.onnx), when known. */
  readonly file?: string;
  constructor(kind: ModelLoadErrorKind, message: string, opts: { file?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ModelLoadError';
    this.kind = kind;
    this.file = opts.file;
  }
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Turns an error thrown while ONNX Runtime created a session into a ModelLoadError. ORT's
 * messages are not a stable API, so we match the phrases it has used for years and keep the
 * original text in the message.
 */
export function classifyOrtError(e: unknown, file: string, backend: string): ModelLoadError {
  if (e instanceof ModelLoadError) return e;
  const raw = messageOf(e);
  const op =
    /Could not find an implementation for (\S+?)\(\d+\)(?: node with name '([^']*)')?/.exec(raw) ??
    /No Op registered for (\S+) with domain_version of \d+/.exec(raw) ??
    /(\S+?)\(-?\d+\) is not a registered function\/op/.exec(raw) ??
    /Unrecognized attribute.*?for operator (\S+)/.exec(raw);
  const domain = /domain[:\s]+'?([A-Za-z0-9_.-]+)'? is not (?:registered|supported)|[Uu]nknown domain[:\s]+'?([A-Za-z0-9_.-]*)'?/.exec(raw);
  if (op || domain || /not supported|unsupported op/i.test(raw)) {
    const what = op ? `operator ${op[1]}` : domain ? `operator domain '${domain[1] ?? domain[2]}'` : 'an operator';
    return new ModelLoadError(
      'unsupported-operator',
      `${file} uses ${what}, which ONNX Runtime's ${backend} execution provider cannot run; this model (or this export of it) does not work in the browser. ORT said: ${raw}`,
      { file, cause: e },
    );
  }
  if (/out of memory|OOM|bad_alloc|Aborted\(OOM\)|Cannot enlarge memory|memory access out of bounds/i.test(raw)) {
    return new ModelLoadError(
      'out-of-memory',
      `Out of memory while loading ${file} on ${backend}: pick a smaller dtype (q4 / q4f16) or a smaller model. ORT said: ${raw}`,
      { file, cause: e },
    );
  }
  if (/protobuf|parse|Load model from .* failed|failed to load model|invalid model|corrupt|truncat|external data|ModelProto|Unexpected end/i.test(raw)) {
    return new ModelLoadError(
      'corrupt-file',
      `${file} is not a valid ONNX model (truncated or corrupt download?): delete it from the cache and load again. ORT said: ${raw}`,
      { file, cause: e },
    );
  }
  return new ModelLoadError('corrupt-file', `ONNX Runtime could not create a session from ${file} on ${backend}: ${raw}`, {
    file,
    cause: e,
  });
}

/** A fetch Response's status as a ModelLoadError (404 → missing-file). */
export function httpError(status: number, statusText: string, file: string, url: string): ModelLoadError {
  if (status === 404) {
    return new ModelLoadError('missing-file', `Missing file ${file}: ${url} answered 404 Not Found (wrong model id, revision or dtype?).`, { file });
  }
  const hint = status === 401 || status === 403 ? ' (gated or private model: enter a Hugging Face access token that may read it, and accept its license on the hub)' : '';
  return new ModelLoadError('http', `Downloading ${file} failed: ${url} answered HTTP ${status} ${statusText}${hint}.`, { file });
}

/** JSON.parse with an error that names the file. */
export function parseJsonFile(bytes: Uint8Array, file: string): Record<string, unknown> {
  const text = new TextDecoder().decode(bytes);
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new ModelLoadError('corrupt-file', `${file} is not valid JSON (${messageOf(e)}); truncated download?`, { file, cause: e });
  }
}
