import type { CurationFacets } from '#api/curation.ts';
import type { Backend } from '../backend/backend.ts';
import { coalesce } from '../coalesce.ts';
import { CurationExport } from './curation-export.svelte.ts';
import { CurationGrid } from './curation-grid.svelte.ts';
import { CurationKeymap } from './curation-keymap.svelte.ts';
import { CurationProgressState } from './curation-progress.svelte.ts';
import { CurationRules } from './curation-rules.svelte.ts';
import { restoredView, saveView } from './saved-view.ts';
import type { Notices } from './notices.svelte.ts';

export type WorkspaceTab = 'dataset' | 'curate' | 'export';

/**
 * Group counts, progress, the rule preview and its histogram each scan every variant and hold the
 * host's one thread for tens of ms at 100k variants; a decision sent meanwhile waits behind them. So
 * they run once a burst of key presses has paused this long (tiles show a decision at the key press,
 * the reviewed counter as the host stores it), never two rounds at once, and at most once a second...
 */
const COUNTS_QUIET_MS = 300;
const COUNTS_INTERVAL_MS = 1000;
/** ...yet a reviewer who never pauses still sees them catch up this often. */
const COUNTS_MAX_WAIT_MS = 3000;
/**
 * The tiles on screen are read again once per burst of changes rather than per change: a tile already
 * shows its decision from the key press, and the re-read only confirms it (or shows another window's).
 */
const PAGE_QUIET_MS = 100;
const PAGE_MAX_WAIT_MS = 1000;

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
  readonly #refreshCounts = coalesce(
    async () => {
      // Decisions already pressed go first: these scans would otherwise hold the host ahead of them.
      await this.grid.whenSaved();
      await Promise.all([
        this.progress.load(),
        this.grid.refreshGroups(),
        this.rules.updatePreview(this.grid.identityId),
        this.rules.loadHistogram(this.grid.identityId),
      ]);
    },
    { quietMs: COUNTS_QUIET_MS, maxWaitMs: COUNTS_MAX_WAIT_MS, minIntervalMs: COUNTS_INTERVAL_MS },
  );
  readonly #refreshTiles = coalesce(() => this.#readTilesBack(), { quietMs: PAGE_QUIET_MS, maxWaitMs: PAGE_MAX_WAIT_MS });

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
      client.on('curation.changed', ({ reason }) => {
        // An undo, redo or rule is one deliberate act that no tile shows ahead of the host: read it back now.
        if (reason === 'decide') this.#refreshTiles();
        else void this.#readTilesBack();
        this.#refreshCounts();
      }),
      client.on('job.updated', (status) => this.exporter.apply(status)),
    ];
    void this.keymap.load();
    void this.progress.load();
    void this.rules.loadDefaults().then(() => this.#refreshCounts());
    return () => {
      this.#refreshCounts.cancel();
      this.#refreshTiles.cancel();
      for (const stop of stops) stop();
    };
  }

  async #readTilesBack(): Promise<void> {
    this.grid.refresh();
    await this.grid.loadHistory();
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
