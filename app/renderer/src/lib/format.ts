const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatPercent(fraction: number): string {
  return `${Math.floor(fraction * 100)}%`;
}

export function formatWhen(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const minutes = Math.round((now - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(then).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The last path segment, for both POSIX and Windows paths, since either host may have produced it. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

/**
 * The dataset header: usable images (what the sidebar counts, what synthesis and export use) and,
 * apart, the files listed but not used (duplicates, unreadable), so the two numbers never disagree.
 */
export function datasetTotalLabel(listed: number, usable: number | null): string {
  if (usable === null || usable >= listed) return `${formatCount(listed)} ${listed === 1 ? 'image' : 'images'}`;
  const unused = listed - usable;
  return `${formatCount(usable)} ${usable === 1 ? 'image' : 'images'} + ${formatCount(unused)} not used (duplicate or unreadable)`;
}
