import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defaultKeymap, KeyChord, type Keymap, KeymapAction, keymapActions } from '#api/curation.ts';
import { ApiError } from '#api/errors.ts';
import { writeFileAtomicSync } from '../core/atomic-file.ts';

const StoredKeymap = z.partialRecord(KeymapAction, z.array(KeyChord).max(4));

/**
 * The curation keys are the user's, not the project's: they live in the settings folder, so every
 * project and both hosts (desktop and web) share them.
 */
export class KeymapStore {
  readonly #file: string;

  constructor(settingsDir: string) {
    this.#file = join(settingsDir, 'curation-keymap.json');
  }

  get(): Keymap {
    let stored: Partial<Record<KeymapAction, string[]>> = {};
    try {
      const parsed = StoredKeymap.safeParse(JSON.parse(readFileSync(this.#file, 'utf8')));
      if (parsed.success) stored = parsed.data;
    } catch {
      // No file yet, or a damaged one: the defaults stand.
    }
    // Actions added in a later version get their default keys instead of none.
    return Object.fromEntries(keymapActions.map((action) => [action, stored[action] ?? defaultKeymap[action]])) as Keymap;
  }

  set(keymap: Keymap): Keymap {
    const owner = new Map<string, KeymapAction>();
    for (const action of keymapActions) {
      for (const chord of keymap[action]) {
        const taken = owner.get(chord);
        if (taken && taken !== action) {
          throw new ApiError('INVALID_INPUT', `key ${chord} is bound to both ${taken} and ${action}`);
        }
        owner.set(chord, action);
      }
    }
    mkdirSync(join(this.#file, '..'), { recursive: true });
    writeFileAtomicSync(this.#file, JSON.stringify(keymap, null, 2));
    return this.get();
  }
}
