import type { ApiClient } from '#api/client.ts';
import { defaultKeymap, type Keymap, type KeymapAction } from '#api/curation.ts';
import { actionFor } from './key-chord.ts';
import type { Notices } from './notices.svelte.ts';

export const actionLabels: Record<KeymapAction, string> = {
  left: 'Previous tile',
  right: 'Next tile',
  up: 'Tile above',
  down: 'Tile below',
  accept: 'Accept',
  reject: 'Reject',
  unset: 'Clear decision',
  compare: 'Compare with source',
  undo: 'Undo',
  redo: 'Redo',
  help: 'Show these keys',
};

/** The user's curation keys, persisted by the host; while `capturing`, the next key press rebinds that action. */
export class CurationKeymap {
  keymap = $state.raw<Keymap>(defaultKeymap);
  helpOpen = $state(false);
  capturing = $state<KeymapAction | null>(null);
  readonly #client: ApiClient;
  readonly #notices: Notices;

  constructor(client: ApiClient, notices: Notices) {
    this.#client = client;
    this.#notices = notices;
  }

  async load(): Promise<void> {
    try {
      this.keymap = await this.#client.call('curation.keymap', {});
    } catch (error) {
      this.#notices.report(error, 'Loading the curation keys');
    }
  }

  /**
   * The key list's own keys, wherever focus is: while capturing, the chord rebinds (Escape
   * cancels); otherwise Escape closes the list. Returns whether the key was used.
   */
  handleDialogKey(chord: string): boolean {
    if (this.capturing) {
      if (chord === 'Escape') this.capturing = null;
      else void this.bind(this.capturing, chord);
      return true;
    }
    if (chord === 'Escape' && this.helpOpen) {
      this.helpOpen = false;
      return true;
    }
    return false;
  }

  actionFor(chord: string): KeymapAction | null {
    return actionFor(this.keymap, chord);
  }

  /** Makes `chord` the only key of `action`, taking it from any action that had it. */
  async bind(action: KeymapAction, chord: string): Promise<void> {
    const next = Object.fromEntries(
      Object.entries(this.keymap).map(([name, chords]) => [name, name === action ? [chord] : chords.filter((c) => c !== chord)]),
    ) as Keymap;
    await this.#save(next);
  }

  async reset(): Promise<void> {
    await this.#save(defaultKeymap);
  }

  async #save(next: Keymap): Promise<void> {
    this.capturing = null;
    try {
      this.keymap = await this.#client.call('curation.setKeymap', { keymap: next });
    } catch (error) {
      this.#notices.report(error, 'Saving the curation keys');
    }
  }
}
