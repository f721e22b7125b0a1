import { createHash } from 'node:crypto';
import { splitNames, type SplitName, type SplitSettings } from '#api/export.ts';

/** What is kept together: everything sharing a `key` lands in one split. */
export interface SplitUnit {
  readonly key: string;
  /** Units are apportioned per stratum, so each identity is spread over the splits by the ratios. */
  readonly stratum: string;
}

/**
 * Deterministic, leakage-safe assignment. Within each stratum the units are shuffled by a hash of
 * (seed, key) — so the order depends on nothing but the seed and the unit's own name — and cut at
 * counts from the ratios (largest remainder, so counts always add up).
 */
export function assignSplits(units: readonly SplitUnit[], settings: SplitSettings): Map<string, SplitName> {
  const strata = new Map<string, Set<string>>();
  for (const unit of units) {
    let keys = strata.get(unit.stratum);
    if (!keys) strata.set(unit.stratum, (keys = new Set()));
    keys.add(unit.key);
  }
  const assigned = new Map<string, SplitName>();
  for (const keys of strata.values()) {
    const shuffled = [...keys]
      .map((key) => ({ key, rank: createHash('sha256').update(`${settings.seed}\0${key}`).digest('hex') }))
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.key < b.key ? -1 : 1));
    const counts = apportion(shuffled.length, [settings.train, settings.val, settings.test]);
    let next = 0;
    splitNames.forEach((split, i) => {
      for (let n = 0; n < counts[i]; n += 1) assigned.set(shuffled[next++].key, split);
    });
  }
  return assigned;
}

/**
 * Integer counts proportional to `ratios` that sum to `total`; ties go to the earlier split. When
 * there are enough units, every split with a non-zero ratio gets at least one — 4 identities at
 * 80/10/10 become 2/1/1, not 3/1/0 — since an empty test split is worse than skewed ratios.
 */
export function apportion(total: number, ratios: readonly number[]): number[] {
  const sum = ratios.reduce((a, b) => a + b, 0);
  const quotas = ratios.map((r) => (sum > 0 ? (total * r) / sum : 0));
  const counts = quotas.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = quotas.map((q, i) => ({ i, rest: q - Math.floor(q) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    counts[i] += 1;
    left -= 1;
  }
  const wanted = ratios.map((r, i) => (r > 0 ? i : -1)).filter((i) => i >= 0);
  if (total >= wanted.length) {
    for (const i of wanted) {
      if (counts[i] > 0) continue;
      const largest = counts.indexOf(Math.max(...counts));
      counts[largest] -= 1;
      counts[i] += 1;
    }
  }
  return counts;
}
