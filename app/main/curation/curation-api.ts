import { userInfo } from 'node:os';
import type { ActionResult, curationCommands, CurationChanged } from '#api/curation.ts';
import type { Handlers } from '../core/api-router.ts';
import type { EventBus } from '../core/event-bus.ts';
import type { ProjectSession } from '../project/project-session.ts';
import type { Workspace } from '../project/workspace.ts';
import { curationProgress } from './curation-progress.ts';
import { DecisionLog, type LoggedAction } from './decision-log.ts';
import { planRule, previewRule, ruleLabel } from './decision-rules.ts';
import { compareView } from './compare-view.ts';
import { KeymapStore } from './keymap-store.ts';
import { ruleDefaults } from './rule-defaults.ts';
import { scoreHistogram } from './score-histogram.ts';
import { VariantQuery } from './variant-query.ts';

export interface CurationOptions {
  readonly settingsDir: string;
  /** Who the decisions are recorded as; defaults to the OS user running the host. */
  readonly actor?: string;
}

/** An event lists the variants an action touched up to this many; beyond it, listeners refetch. */
const MAX_EVENT_IDS = 500;

export function curationHandlers(
  workspace: Workspace,
  events: EventBus,
  options: CurationOptions,
): Pick<Handlers, keyof typeof curationCommands> {
  const actor = options.actor ?? defaultActor();
  const keymap = new KeymapStore(options.settingsDir);
  // One decision log and query per open project, made on first use and dropped with the project.
  const perProject = new WeakMap<ProjectSession, { decisions: DecisionLog; query: VariantQuery }>();
  const project = (): { session: ProjectSession; decisions: DecisionLog; query: VariantQuery } => {
    const session = workspace.require();
    let found = perProject.get(session);
    if (!found) perProject.set(session, (found = { decisions: new DecisionLog(session.db), query: new VariantQuery(session.db) }));
    return { session, ...found };
  };

  const finish = (decisions: DecisionLog, logged: LoggedAction, reason: CurationChanged['reason']): ActionResult => {
    if (logged.actionId !== null) {
      events.emit('curation.changed', {
        actionId: logged.actionId,
        reason,
        variantIds: logged.variantIds.length <= MAX_EVENT_IDS ? [...logged.variantIds] : null,
        actor,
      });
    }
    return {
      actionId: logged.actionId,
      label: logged.label,
      changed: logged.variantIds.length,
      focusVariantId: logged.variantIds.length === 1 ? logged.variantIds[0] : null,
      history: decisions.history(),
    };
  };

  return {
    'curation.groups': ({ view }) => project().query.groups(view),
    'curation.page': ({ view, segments }) => project().query.page(view, segments),
    'curation.locate': ({ view, variantId }) => project().query.locate(view, variantId),
    'curation.compare': ({ variantId }) => {
      const { session, query } = project();
      return compareView(session, query, variantId);
    },
    'curation.decide': ({ variantIds, status }) => {
      const { decisions } = project();
      const after = status === 'unset' ? null : status;
      const verb = { accepted: 'accept', rejected: 'reject', unset: 'unset' }[status];
      const label = `${verb} ${variantIds.length === 1 ? `variant ${variantIds[0]}` : `${variantIds.length} variants`}`;
      return finish(
        decisions,
        decisions.record(label, actor, () => decisions.planSet(variantIds, after)),
        'decide',
      );
    },
    'curation.undo': () => {
      const { decisions } = project();
      return finish(decisions, decisions.undo(), 'undo');
    },
    'curation.redo': () => {
      const { decisions } = project();
      return finish(decisions, decisions.redo(), 'redo');
    },
    'curation.history': () => project().decisions.history(),
    'curation.rulePreview': (request) => previewRule(workspace.require().db, request),
    'curation.ruleApply': (request) => {
      const { session, decisions } = project();
      return finish(
        decisions,
        decisions.record(ruleLabel(request), actor, () => planRule(session.db, request)),
        'rule',
      );
    },
    'curation.ruleDefaults': () => ruleDefaults(),
    'curation.histogram': ({ metric, bins, identityId }) => scoreHistogram(workspace.require().db, metric, bins, identityId),
    'curation.progress': () => curationProgress(workspace.require().db),
    'curation.facets': () => {
      const { db } = workspace.require();
      return {
        editKinds: db.prepare('SELECT DISTINCT edit_kind FROM variants ORDER BY edit_kind').pluck().all() as string[],
        identities: db
          .prepare('SELECT id, name FROM identities WHERE id IN (SELECT DISTINCT identity_id FROM variants) ORDER BY name_key')
          .all() as { id: number; name: string }[],
      };
    },
    'curation.keymap': () => keymap.get(),
    'curation.setKeymap': ({ keymap: next }) => keymap.set(next),
  };
}

function defaultActor(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
