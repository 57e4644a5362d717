// Identical items shown once with a count (the training screen's rollout samples: a toy policy often
// writes the same completion several times). Pure.

/** Items grouped by `key`, in order of first appearance, each with how many times it occurred. */
export function groupIdentical<T>(items: readonly T[], key: (item: T) => string): { item: T; count: number; indices: number[] }[] {
  const groups = new Map<string, { item: T; count: number; indices: number[] }>();
  items.forEach((item, i) => {
    const k = key(item);
    const g = groups.get(k);
    if (g) {
      g.count++;
      g.indices.push(i);
    } else groups.set(k, { item, count: 1, indices: [i] });
  });
  return [...groups.values()];
}
