import type { CurationProgress, ProgressCounts } from '#api/curation.ts';
import type { ProjectDatabase } from '../project/project-database.ts';

interface Row {
  identity_id: number | null;
  name: string | null;
  total: number;
  accepted: number;
  rejected: number;
}

/** Reviewed / accepted / rejected per identity and overall: one grouped scan of variants. */
export function curationProgress(db: ProjectDatabase): CurationProgress {
  const rows = db
    .prepare(
      `SELECT g.identity_id, n.name, g.total, g.accepted, g.rejected FROM (
         SELECT v.identity_id, count(*) AS total,
           coalesce(sum(d.status = 'accepted'), 0) AS accepted, coalesce(sum(d.status = 'rejected'), 0) AS rejected
         FROM variants v LEFT JOIN decisions d ON d.variant_id = v.id GROUP BY v.identity_id
       ) g LEFT JOIN identities n ON n.id = g.identity_id
       ORDER BY n.name IS NULL, n.name_key`,
    )
    .all() as Row[];
  const identities = rows.map((row) => ({
    identityId: row.identity_id,
    name: row.name ?? 'No identity',
    ...counts(row.total, row.accepted, row.rejected),
  }));
  const sum = (key: 'total' | 'accepted' | 'rejected') => rows.reduce((acc, row) => acc + row[key], 0);
  return { ...counts(sum('total'), sum('accepted'), sum('rejected')), identities };
}

function counts(total: number, accepted: number, rejected: number): ProgressCounts {
  return { total, accepted, rejected, reviewed: accepted + rejected };
}
