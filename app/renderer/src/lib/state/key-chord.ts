import type { Keymap, KeymapAction } from '#api/curation.ts';

/** What a key press is called in a keymap: `[Ctrl+][Alt+][Shift+]key`, see the Keymap schema. */
export function chordOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string | null {
  const { key } = event;
  if (key === 'Shift' || key === 'Control' || key === 'Alt' || key === 'Meta' || key === 'Dead' || key === 'Unidentified') return null;
  const name = key === ' ' ? 'Space' : key.length === 1 ? key.toLowerCase() : key;
  // Shift is part of the chord for letters and named keys; for symbols it is already in the key ("?" is Shift+/).
  const shiftMatters = key.length > 1 || key === ' ' || key.toLowerCase() !== key.toUpperCase();
  return [
    event.ctrlKey || event.metaKey ? 'Ctrl+' : '',
    event.altKey ? 'Alt+' : '',
    event.shiftKey && shiftMatters ? 'Shift+' : '',
    name,
  ].join('');
}

export function actionFor(keymap: Keymap, chord: string): KeymapAction | null {
  for (const [action, chords] of Object.entries(keymap) as [KeymapAction, string[]][]) {
    if (chords.includes(chord)) return action;
  }
  return null;
}

/** Typing into a field must never decide a variant. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'range', 'button'].includes(target.type);
}
