import type { HistogramBin, ScoreHistogram, ScoreMetric } from '#api/curation.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import { scoreColumn, STATUS_SQL } from './variant-sql.ts';

/** Edges land on multiples of this, so a threshold the user types falls on a readable boundary. */
const EDGE_STEP = 0.05;

/** Counts per score bin and status, so the user sees where a threshold would cut. */
export function scoreHistogram(db: ProjectDatabase, metric: ScoreMetric, binCount: number, identityId: number | undefined): ScoreHistogram {
  const column = scoreColumn[metric];
  const scope = identityId === undefined ? '1' : 'v.identity_id = ?';
  const scopeParams = identityId === undefined ? [] : [identityId];
  const range = db
    .prepare(
      `SELECT min(${column}) AS lo, max(${column}) AS hi, sum(${column} IS NULL) AS missing
       FROM variants v WHERE ${scope}`,
    )
    .get(...scopeParams) as { lo: number | null; hi: number | null; missing: number | null };
  if (range.lo === null || range.hi === null) {
    return { metric, from: 0, to: 1, bins: emptyBins(0, 1, binCount), missing: range.missing ?? 0 };
  }
  const from = tidy(Math.floor(range.lo / EDGE_STEP) * EDGE_STEP);
  const to = tidy(Math.max(Math.ceil(range.hi / EDGE_STEP) * EDGE_STEP, from + EDGE_STEP));
  const width = (to - from) / binCount;
  const bins = emptyBins(from, to, binCount);
  const rows = db
    .prepare(
      `SELECT min(?, CAST((${column} - ?) / ? AS INTEGER)) AS bin, ${STATUS_SQL} AS status, count(*) AS n
       FROM variants v LEFT JOIN decisions d ON d.variant_id = v.id
       WHERE ${column} IS NOT NULL AND ${scope} GROUP BY bin, status`,
    )
    .all(binCount - 1, from, width, ...scopeParams) as { bin: number; status: 'accepted' | 'rejected' | 'unset'; n: number }[];
  for (const row of rows) bins[Math.max(0, row.bin)][row.status] += row.n;
  return { metric, from, to, bins, missing: range.missing ?? 0 };
}

function emptyBins(from: number, to: number, count: number): HistogramBin[] {
  const width = (to - from) / count;
  return Array.from({ length: count }, (_, i) => ({
    from: tidy(from + i * width),
    to: i === count - 1 ? to : tidy(from + (i + 1) * width),
    accepted: 0,
    rejected: 0,
    unset: 0,
  }));
}

/** Drops float noise (0.30000000000000004) that would otherwise show up in labels and thresholds. */
function tidy(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
