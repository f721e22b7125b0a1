/**
 * TEST FIXTURE — never shipped. A FakeBackend serving an open project with `sources` source images
 * of two identities, `perSource` variants each, and the curation commands over them: groups by
 * source, paging, locate, decisions with one undo step per call, progress and history.
 */
import type { HistoryState, PageSegment, TileStatus, VariantTile } from '#api/curation.ts';
import { defaultKeymap } from '#api/curation.ts';
import { FakeBackend } from './fake-backend.ts';
import { identity, image, pageOf, projectSummary, ruleDefaults, systemInfo, visionSummary } from './fixtures.ts';

export interface CurationStore {
  readonly backend: FakeBackend;
  readonly tiles: VariantTile[];
  /** Each decide call, as the host received it. */
  readonly decided: { variantIds: number[]; status: TileStatus }[];
}

export function curationBackend(sources = 3, perSource = 4): CurationStore {
  const tiles: VariantTile[] = [];
  for (let s = 1; s <= sources; s += 1) {
    for (let k = 0; k < perSource; k += 1) {
      const id = tiles.length + 1;
      tiles.push({
        id,
        sourceImageId: s * 10,
        sourceKey: `originals/${s * 10}`,
        identityId: s % 2 === 0 ? 2 : 1,
        identityName: s % 2 === 0 ? 'person-2' : 'person-1',
        ordinal: k,
        editKind: k % 2 === 0 ? 'relight' : 'hair',
        strength: 0.5,
        seed: id,
        fileKey: `variants/v${id}.png`,
        width: 128,
        height: 128,
        idToSource: 0.5 + id / 100,
        idToCentroid: 0.4,
        nearestOtherIdentityId: s % 2 === 0 ? 1 : 2,
        nearestOtherName: s % 2 === 0 ? 'person-1' : 'person-2',
        idToNearestOther: 0.2,
        diversity: 0.1,
        status: 'unset',
        decidedBy: null,
        decidedAt: null,
      });
    }
  }
  const decided: CurationStore['decided'] = [];
  const undoStack: { variantIds: number[]; before: TileStatus[] }[] = [];
  const history = (): HistoryState => ({
    canUndo: undoStack.length > 0,
    canRedo: false,
    undoLabel: undoStack.length > 0 ? 'last' : null,
    redoLabel: null,
  });
  type View = { sort?: string; direction?: 'asc' | 'desc'; filter?: { statuses?: TileStatus[]; identityId?: number; keepIds?: number[] } };
  const inView = (view: View) =>
    tiles
      .filter((t) => !view.filter?.identityId || t.identityId === view.filter.identityId)
      .filter((t) => !view.filter?.statuses?.length || view.filter.statuses.includes(t.status) || view.filter.keepIds?.includes(t.id))
      .sort(
        (a, b) => (view.sort === 'idToSource' ? (a.idToSource! - b.idToSource!) * (view.direction === 'desc' ? -1 : 1) : 0) || a.id - b.id,
      );
  const groupsOf = (view: View) => {
    const keys = [...new Set(inView(view).map((t) => String(t.sourceImageId)))].sort((a, b) => Number(a) - Number(b));
    return keys.map((key) => {
      const members = inView(view).filter((t) => String(t.sourceImageId) === key);
      return {
        key,
        label: `source ${key}`,
        count: members.length,
        accepted: members.filter((t) => t.status === 'accepted').length,
        rejected: members.filter((t) => t.status === 'rejected').length,
        sourceImageId: Number(key),
        sourceKey: `originals/${key}`,
        identityName: members[0].identityName,
      };
    });
  };
  const progress = () => {
    const counts = (list: VariantTile[]) => {
      const accepted = list.filter((t) => t.status === 'accepted').length;
      const rejected = list.filter((t) => t.status === 'rejected').length;
      return { total: list.length, accepted, rejected, reviewed: accepted + rejected };
    };
    return {
      ...counts(tiles),
      identities: [1, 2].map((id) => ({ identityId: id, name: `person-${id}`, ...counts(tiles.filter((t) => t.identityId === id)) })),
    };
  };
  const backend = new FakeBackend({
    'project.current': () => projectSummary('/data/faces.likeness', 20),
    'project.recent': () => [],
    'system.info': () => systemInfo(),
    'dataset.identities': () => [identity(1, 12), identity(2, 8)],
    'dataset.images': ({ offset = 0, limit = 200, identityId }) =>
      pageOf(identityId === 2 ? 8 : 12, offset, limit, (i) =>
        image(i + 1 + (identityId === 2 ? 100 : 0), { identityId: identityId ?? 1, thumb: `thumbs/p${identityId ?? 1}-${i + 1}.webp` }),
      ),
    'dataset.problems': ({ offset = 0 }) => ({ total: 0, offset, items: [] }),
    'jobs.list': () => [],
    'vision.summary': () => visionSummary(20),
    'vision.imageBadges': ({ imageIds }) =>
      imageIds.map((imageId) => ({ imageId, status: 'ok' as const, faceCount: 1, quality: 0.8, outlier: false })),
    'synthesis.packs': () => [],
    'export.list': () => [],
    'curation.keymap': () => defaultKeymap,
    'curation.setKeymap': ({ keymap }) => keymap,
    'curation.progress': progress,
    'curation.ruleDefaults': () => ruleDefaults(),
    'curation.rulePreview': () => ({ matched: 0, changes: 0, fromUnset: 0, fromAccepted: 0, fromRejected: 0 }),
    'curation.histogram': ({ metric }) => ({ metric, from: 0, to: 1, bins: [], missing: 0 }),
    'curation.facets': () => ({ editKinds: ['hair', 'relight'], identities: [] }),
    'curation.history': history,
    'curation.groups': ({ view }) => {
      const groups = groupsOf(view as View);
      return { total: groups.reduce((n, g) => n + g.count, 0), groups };
    },
    'curation.page': ({ view, segments }) => ({
      segments: segments.map((s: PageSegment) => {
        const group = inView(view as View).filter((t) => String(t.sourceImageId) === s.groupKey);
        // The host seeks from an anchor on trust: one the grid holds at a stale offset would shift every tile after it.
        for (const anchor of [s.after, s.before]) {
          const held = anchor && group[anchor.offset];
          if (held && held.id !== anchor.variantId) throw new Error(`anchor ${anchor.variantId} is not at offset ${anchor.offset}`);
        }
        return { groupKey: s.groupKey, offset: s.offset, items: group.slice(s.offset, s.offset + s.limit).map((t) => ({ ...t })) };
      }),
    }),
    'curation.locate': ({ view, variantId }) => {
      const tile = inView(view as View).find((t) => t.id === variantId);
      if (!tile) return null;
      const groupKey = String(tile.sourceImageId);
      return {
        groupKey,
        offset: inView(view as View)
          .filter((t) => String(t.sourceImageId) === groupKey)
          .indexOf(tile),
      };
    },
    'curation.decide': ({ variantIds, status }) => {
      decided.push({ variantIds: [...variantIds], status });
      const touched = tiles.filter((t) => variantIds.includes(t.id));
      undoStack.push({ variantIds: touched.map((t) => t.id), before: touched.map((t) => t.status) });
      for (const t of touched) t.status = status;
      backend.emit('curation.changed', { actionId: undoStack.length, reason: 'decide', variantIds: [...variantIds], actor: 'me' });
      return {
        actionId: undoStack.length,
        label: 'decide',
        changed: touched.length,
        focusVariantId: variantIds.length === 1 ? variantIds[0] : null,
        history: history(),
      };
    },
    'curation.compare': ({ variantId }) => ({
      variant: { ...tiles.find((t) => t.id === variantId)! },
      sourceWidth: 128,
      sourceHeight: 128,
      recipe: '{}',
      packName: 'fixture',
      packVersion: '1.0.0',
      alignedSource: `data:image/png;base64,source${variantId}`,
      difference: `data:image/png;base64,difference${variantId}`,
      meanAbsDifference: 0.05,
      validityKey: null,
    }),
    'curation.undo': () => {
      const last = undoStack.pop();
      if (last) last.variantIds.forEach((id, i) => (tiles.find((t) => t.id === id)!.status = last.before[i]));
      backend.emit('curation.changed', { actionId: 1, reason: 'undo', variantIds: last?.variantIds ?? [], actor: 'me' });
      return { actionId: 1, label: 'undo', changed: last?.variantIds.length ?? 0, focusVariantId: null, history: history() };
    },
  });
  return { backend, tiles, decided };
}
