import type { CurationFacets } from '#api/curation.ts';
import type { Backend } from '../backend/backend.ts';
import { throttle } from '../throttle.ts';
import { CurationExport } from './curation-export.svelte.ts';
import { CurationGrid } from './curation-grid.svelte.ts';
import { CurationKeymap } from './curation-keymap.svelte.ts';
import { CurationProgressState } from './curation-progress.svelte.ts';
import { CurationRules } from './curation-rules.svelte.ts';
import { restoredView, saveView } from './saved-view.ts';
import type { Notices } from './notices.svelte.ts';

export type WorkspaceTab = 'dataset' | 'curate' | 'export';

/**
 * Group counts and progress lag a burst of decisions by up to this much; the tiles themselves do
 * not. Each of those queries scans every variant and holds the host's database for tens of ms at
 * 100k variants, so they run at most once per interval, never per key press.
 */
const COUNTS_REFRESH_MS = 1000;

/**
 * Curation and export for the open project. It lives as long as the project's workspace, so
 * switching tabs keeps the grid's place, and it turns host events into refreshes — including
 * those caused by another window on the same project.
 */
/** Per project: a project opened for the first time starts on its dataset, not on the tab another project was left on. */
function tabStorageKey(projectPath: string): string {
  return `likeness.workspaceTab:${projectPath}`;
}

function storedTab(projectPath: string): WorkspaceTab {
  const stored = globalThis.sessionStorage?.getItem(tabStorageKey(projectPath));
  return stored === 'curate' || stored === 'export' ? stored : 'dataset';
}

export class CurationSession {
  /** Kept per browser tab across reloads, so a reviewer lands back where they were. */
  tab = $state<WorkspaceTab>('dataset');
  /** The edits present, for the filter; re-read when the grid reloads, since synthesis adds more. */
  facets = $state.raw<CurationFacets | null>(null);
  readonly grid: CurationGrid;
  readonly progress: CurationProgressState;
  readonly rules: CurationRules;
  readonly keymap: CurationKeymap;
  readonly exporter: CurationExport;
  readonly #backend: Backend;
  readonly #notices: Notices;
  readonly #projectPath: string;
  /** The grid's groups may already be loaded by a counts refresh; its first query still has to run. */
  #queried = false;
  readonly #refreshCounts = throttle(() => {
    void this.progress.load();
    void this.grid.refreshGroups();
    void this.rules.updatePreview(this.grid.identityId);
    void this.rules.loadHistogram(this.grid.identityId);
  }, COUNTS_REFRESH_MS);

  constructor(backend: Backend, notices: Notices, projectPath: string) {
    this.#backend = backend;
    this.#notices = notices;
    this.#projectPath = projectPath;
    this.tab = storedTab(projectPath);
    const { client } = backend;
    this.progress = new CurationProgressState(client, notices);
    this.grid = new CurationGrid(client, notices, (changes) => this.progress.applyDecided(changes));
    const view = restoredView();
    if (view) Object.assign(this.grid.view, view);
    this.rules = new CurationRules(client, notices);
    this.keymap = new CurationKeymap(client, notices);
    this.exporter = new CurationExport(client, notices);
  }

  start(): () => void {
    const { client } = this.#backend;
    const stops = [
      client.on('curation.changed', () => {
        this.grid.refresh();
        void this.grid.loadHistory();
        this.#refreshCounts();
      }),
      client.on('job.updated', (status) => this.exporter.apply(status)),
    ];
    void this.keymap.load();
    void this.progress.load();
    void this.rules.loadDefaults().then(() => this.#refreshCounts());
    return () => {
      this.#refreshCounts.cancel();
      for (const stop of stops) stop();
    };
  }

  selectTab(tab: WorkspaceTab): void {
    this.tab = tab;
    globalThis.sessionStorage?.setItem(tabStorageKey(this.#projectPath), tab);
  }

  /** The sidebar's identity scopes the grid, the rules and their histogram alike. */
  setIdentity(identityId: number | null): void {
    if (identityId === this.grid.identityId && this.#queried) return;
    this.grid.identityId = identityId;
    this.reload();
  }

  /** After the view settings change: a new query from the top. */
  reload(): void {
    this.#queried = true;
    saveView(this.grid.view);
    void this.grid.reload();
    void this.#loadFacets();
    this.#refreshCounts();
  }

  async #loadFacets(): Promise<void> {
    try {
      this.facets = await this.#backend.client.call('curation.facets', {});
    } catch (error) {
      this.#notices.report(error, 'Loading the edit kinds');
    }
  }
}
