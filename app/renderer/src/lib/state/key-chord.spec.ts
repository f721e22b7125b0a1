import { describe, expect, it } from 'vitest';
import { defaultKeymap } from '#api/curation.ts';
import { actionFor, chordOf, isTextEntry } from './key-chord.ts';

const key = (k: string, mods: Partial<KeyboardEvent> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('key chords', () => {
  it('names key presses the way the keymap stores them', () => {
    expect(chordOf(key('a'))).toBe('a');
    expect(chordOf(key('A', { shiftKey: true }))).toBe('Shift+a');
    expect(chordOf(key('Z', { shiftKey: true }))).toBe('Shift+z');
    expect(chordOf(key('?', { shiftKey: true }))).toBe('?');
    expect(chordOf(key(' '))).toBe('Space');
    expect(chordOf(key('ArrowLeft'))).toBe('ArrowLeft');
    expect(chordOf(key('z', { ctrlKey: true }))).toBe('Ctrl+z');
    expect(chordOf(key('Shift', { shiftKey: true }))).toBeNull();
  });

  it('finds the default actions, hjkl and arrows alike', () => {
    expect(actionFor(defaultKeymap, 'h')).toBe('left');
    expect(actionFor(defaultKeymap, 'ArrowDown')).toBe('down');
    expect(actionFor(defaultKeymap, 'z')).toBe('undo');
    expect(actionFor(defaultKeymap, 'Shift+z')).toBe('redo');
    expect(actionFor(defaultKeymap, '?')).toBe('help');
    expect(actionFor(defaultKeymap, 'q')).toBeNull();
  });

  it('never treats typing in a field as a command', () => {
    const input = document.createElement('input');
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    expect(isTextEntry(input)).toBe(true);
    expect(isTextEntry(document.createElement('select'))).toBe(true);
    expect(isTextEntry(checkbox)).toBe(false);
    expect(isTextEntry(document.createElement('button'))).toBe(false);
  });
});
