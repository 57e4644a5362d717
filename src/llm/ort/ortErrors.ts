// ONNX Runtime's raw session-creation messages as ModelLoadErrors. Pure: no ORT import.
import { ModelLoadError } from '../hub/modelLoadError.ts';

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

