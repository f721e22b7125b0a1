import type { DecisionRule, DecisionStatus, RulePreview, RuleRequest } from '#api/curation.ts';
import type { ProjectDatabase } from '../project/project-database.ts';
import type { PlannedChange } from './decision-log.ts';
import { and, scoreColumn, type SqlCondition } from './variant-sql.ts';

const metricNames = { idToSource: 'identity to source', idToCentroid: 'identity to centroid' } as const;

export function ruleTarget(rule: DecisionRule): DecisionStatus {
  return rule.kind === 'acceptBand' ? 'accepted' : 'rejected';
}

export function ruleLabel(request: RuleRequest): string {
  const { rule } = request;
  const scope = request.identityId === undefined ? '' : ` (identity ${request.identityId})`;
  switch (rule.kind) {
    case 'rejectBelow':
      return `reject ${metricNames[rule.metric]} < ${rule.threshold}${scope}`;
    case 'rejectNearDuplicates':
      return `reject near-duplicates (diversity < ${rule.maxDiversity})${scope}`;
    case 'acceptBand':
      return `accept ${rule.min} ≤ ${metricNames[rule.metric]} ≤ ${rule.max}${scope}`;
  }
}

/** The variants the rule's condition selects, whatever their status; unscored variants never match. */
function matchCondition(request: RuleRequest): SqlCondition {
  const { rule } = request;
  const scope: SqlCondition =
    request.identityId === undefined ? { sql: '1', params: [] } : { sql: 'v.identity_id = ?', params: [request.identityId] };
  switch (rule.kind) {
    case 'rejectBelow':
      return and(scope, { sql: `${scoreColumn[rule.metric]} < ?`, params: [rule.threshold] });
    case 'rejectNearDuplicates':
      return and(scope, { sql: 'v.diversity < ?', params: [rule.maxDiversity] });
    case 'acceptBand':
      return and(scope, { sql: `${scoreColumn[rule.metric]} BETWEEN ? AND ?`, params: [rule.min, rule.max] });
  }
}

/** Of the matched variants, those the rule would change: one predicate shared by preview and apply. */
function changeCondition(request: RuleRequest): SqlCondition {
  const target = ruleTarget(request.rule);
  const status = request.overwrite ? { sql: 'd.status IS NOT ?', params: [target] } : { sql: 'd.status IS NULL', params: [] };
  return and(matchCondition(request), status);
}

const FROM = 'FROM variants v LEFT JOIN decisions d ON d.variant_id = v.id';

export function previewRule(db: ProjectDatabase, request: RuleRequest): RulePreview {
  const match = matchCondition(request);
  const change = changeCondition(request);
  const row = db
    .prepare(
      `SELECT count(*) AS matched,
         coalesce(sum(${change.sql}), 0) AS changes,
         coalesce(sum((${change.sql}) AND d.status IS NULL), 0) AS fromUnset,
         coalesce(sum((${change.sql}) AND d.status = 'accepted'), 0) AS fromAccepted,
         coalesce(sum((${change.sql}) AND d.status = 'rejected'), 0) AS fromRejected
       ${FROM} WHERE ${match.sql}`,
    )
    .get(...change.params, ...change.params, ...change.params, ...change.params, ...match.params) as RulePreview;
  return row;
}

/** Runs inside the decision log's transaction, so it plans against the rows it then writes. */
export function planRule(db: ProjectDatabase, request: RuleRequest): PlannedChange[] {
  const change = changeCondition(request);
  const after = ruleTarget(request.rule);
  const rows = db
    .prepare(`SELECT v.id, d.status, d.decided_by, d.decided_at ${FROM} WHERE ${change.sql} ORDER BY v.id`)
    .all(...change.params) as { id: number; status: DecisionStatus | null; decided_by: string | null; decided_at: string | null }[];
  return rows.map((row) => ({
    variantId: row.id,
    before: { status: row.status, by: row.decided_by, at: row.decided_at },
    after,
  }));
}
