// Probe and delimiter texts hold newlines; the settings fields show them as \n, \r, \t escapes.

export function escapeControl(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

export function unescapeControl(s: string): string {
  return s.replace(/\\([\\nrt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : '\\'));
}
