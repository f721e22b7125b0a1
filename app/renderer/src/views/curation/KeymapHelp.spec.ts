import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultKeymap, type Keymap } from '#api/curation.ts';
import { CurationKeymap } from '../../lib/state/curation-keymap.svelte.ts';
import { Notices } from '../../lib/state/notices.svelte.ts';
import KeymapHelp from './KeymapHelp.svelte';
import { FakeBackend } from '../../lib/testing/fake-backend.ts';

describe('KeymapHelp', () => {
  let target: HTMLElement;
  let component: ReturnType<typeof mount> | null = null;

  afterEach(() => {
    if (component) unmount(component);
    component = null;
    target?.remove();
  });

  function open() {
    const fake = new FakeBackend({ 'curation.setKeymap': ({ keymap }: { keymap: Keymap }) => keymap });
    const keymap = new CurationKeymap(fake.client, new Notices());
    keymap.helpOpen = true;
    target = document.createElement('div');
    document.body.append(target);
    component = mount(KeymapHelp, { target, props: { keymap } });
    flushSync();
    return { fake, keymap, q: (id: string) => target.querySelector<HTMLElement>(`[data-testid="${id}"]`)! };
  }

  function press(element: HTMLElement, key: string): void {
    element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    flushSync();
  }

  it('rebinds an action to the next key pressed while focus is inside the dialog', async () => {
    const { fake, keymap, q } = open();
    const change = q('keymap-rebind-accept');
    change.click();
    change.focus();
    flushSync();
    expect(q('keymap-action-accept').textContent).toContain('press a key');
    press(change, 'y');
    await vi.waitFor(() => expect(keymap.keymap.accept).toEqual(['y']));
    expect(fake.calls.at(-1)?.input).toMatchObject({ keymap: { accept: ['y'] } });
    flushSync();
    expect(q('keymap-action-accept').textContent).not.toContain('press a key');
    expect(q('keymap-action-accept').querySelector('kbd')?.textContent).toBe('y');
  });

  it('Escape cancels a rebind, then closes the dialog, with focus inside it', () => {
    const { keymap, q } = open();
    q('keymap-rebind-reject').click();
    flushSync();
    press(q('keymap-rebind-reject'), 'Escape');
    expect(keymap.capturing).toBeNull();
    expect(keymap.keymap).toEqual(defaultKeymap);
    expect(keymap.helpOpen).toBe(true);
    press(q('keymap-close'), 'Escape');
    expect(keymap.helpOpen).toBe(false);
  });
});
