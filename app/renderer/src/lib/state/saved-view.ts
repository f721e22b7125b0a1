import { GroupBy, ScoreMetric, SortKey, TileStatus } from '#api/curation.ts';
import type { GridViewSettings } from './curation-grid.svelte.ts';

/**
 * The grid's view (group, sort, filters) as URL parameters, so "undecided, lowest identity first"
 * is a link a reviewer can bookmark or share, and as the last view in localStorage, so a reload
 * or the next session comes back to it. The URL wins over the stored view.
 */
const STORAGE_KEY = 'likeness.curationView';
const PARAMS = ['group', 'sort', 'dir', 'status', 'edit', 'metric', 'min', 'max'] as const;

export function viewToParams(view: GridViewSettings): URLSearchParams {
  const params = new URLSearchParams();
  params.set('group', view.groupBy);
  params.set('sort', view.sort);
  params.set('dir', view.direction);
  if (view.statuses.length > 0) params.set('status', view.statuses.join(','));
  if (view.editKinds.length > 0) params.set('edit', view.editKinds.join(','));
  if (view.score && (view.score.min !== undefined || view.score.max !== undefined)) {
    params.set('metric', view.score.metric);
    if (view.score.min !== undefined) params.set('min', String(view.score.min));
    if (view.score.max !== undefined) params.set('max', String(view.score.max));
  }
  return params;
}

/** Only what parses: a hand-edited or stale link never breaks the grid, it just falls back. */
export function viewFromParams(params: URLSearchParams): Partial<GridViewSettings> | null {
  if (!PARAMS.some((name) => params.has(name))) return null;
  const view: Partial<GridViewSettings> = {};
  const group = GroupBy.safeParse(params.get('group'));
  if (group.success) view.groupBy = group.data;
  const sort = SortKey.safeParse(params.get('sort'));
  if (sort.success) view.sort = sort.data;
  const dir = params.get('dir');
  if (dir === 'asc' || dir === 'desc') view.direction = dir;
  view.statuses = (params.get('status') ?? '').split(',').flatMap((s) => {
    const status = TileStatus.safeParse(s);
    return status.success ? [status.data] : [];
  });
  view.editKinds = (params.get('edit') ?? '').split(',').filter(Boolean);
  const metric = ScoreMetric.safeParse(params.get('metric'));
  const bound = (name: string) => {
    const raw = params.get(name);
    const value = raw === null || raw === '' ? NaN : Number(raw);
    return Number.isFinite(value) ? value : undefined;
  };
  const [min, max] = [bound('min'), bound('max')];
  view.score =
    metric.success && (min !== undefined || max !== undefined)
      ? { metric: metric.data, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }
      : null;
  return view;
}

/** The view to start from: the page's URL, else the last one stored, else none. */
export function restoredView(): Partial<GridViewSettings> | null {
  const fromUrl = globalThis.location ? viewFromParams(new URLSearchParams(globalThis.location.search)) : null;
  if (fromUrl) return fromUrl;
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored ? viewFromParams(new URLSearchParams(stored)) : null;
}

/** Puts the view in the address bar (without a history entry per click) and in storage. */
export function saveView(view: GridViewSettings): void {
  const params = viewToParams(view);
  globalThis.localStorage?.setItem(STORAGE_KEY, params.toString());
  if (!globalThis.location || !globalThis.history) return;
  const url = new URL(globalThis.location.href);
  for (const name of PARAMS) url.searchParams.delete(name);
  for (const [name, value] of params) url.searchParams.set(name, value);
  globalThis.history.replaceState(globalThis.history.state, '', url);
}
