/**
 * Values and how often each occurs: what a median is computed from when the values themselves are not at hand. The
 * cockpit reads its medians so from SQL (one row per value, not per item), and a wider scope merges the counties'
 * counts (snapshots.ts).
 */
export type Histogram = [value: number, count: number][];

/** Counts added up by value, in value order. */
export function tally(entries: Iterable<[number, number]>): Histogram {
  const counts = new Map<number, number>();
  for (const [v, n] of entries) counts.set(v, (counts.get(v) ?? 0) + n);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

export const histogram = (xs: number[]): Histogram => tally(xs.map((x) => [x, 1]));

/** The median of the values of several histograms, as `median` computes it over the values themselves. */
export function medianOfHistograms(hists: Histogram[]): number | null {
  const sorted = tally(hists.flat());
  const total = sorted.reduce((s, [, n]) => s + n, 0);
  if (!total) return null;
  // The value at a 0-based position of the sorted values.
  const at = (pos: number) => {
    let seen = 0;
    for (const [v, n] of sorted) {
      seen += n;
      if (pos < seen) return v;
    }
    throw new Error('position beyond the histogram');
  };
  const m = Math.floor(total / 2);
  return total % 2 ? at(m) : (at(m - 1) + at(m)) / 2;
}
