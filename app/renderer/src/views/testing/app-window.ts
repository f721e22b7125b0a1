/**
 * TEST FIXTURE — never shipped. The whole window mounted against a fake host, driven by the same
 * data-testids the e2e tests use: the one setup App.spec, CurationView.spec and others share.
 */
import { flushSync, mount, unmount } from 'svelte';
import type { Backend } from '../../lib/backend/backend.ts';
import { AppState } from '../../lib/state/app-state.svelte.ts';
import { settle } from '../../lib/testing/fake-backend.ts';
import App from '../App.svelte';

export interface AppWindow {
  readonly target: HTMLElement;
  readonly app: AppState;
  q(testid: string): HTMLElement | null;
  all(testid: string): HTMLElement[];
  /** The element's text with runs of white space folded to one space. */
  text(testid: string): string | undefined;
  /** Runs Svelte's pending updates and the fake host's pending replies, then Svelte's again. */
  flush(): Promise<void>;
  click(what: string | HTMLElement, init?: MouseEventInit): Promise<void>;
  press(key: string, init?: KeyboardEventInit, on?: EventTarget): Promise<void>;
  type(testid: string, value: string): Promise<void>;
  close(): void;
}

export interface WindowOptions {
  /** happy-dom has no layout; virtual lists need a viewport size to render anything. */
  readonly size?: { readonly width: number; readonly height: number };
  /** Keep the URL and storage a previous window left (a reload), instead of starting clean. */
  readonly keepState?: boolean;
}

export async function openAppWindow(backend: Backend, options: WindowOptions = {}): Promise<AppWindow> {
  const { width, height } = options.size ?? { width: 1_000, height: 600 };
  const restore: (() => void)[] = [];
  for (const [name, value] of [
    ['clientWidth', width],
    ['clientHeight', height],
  ] as const) {
    const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)!;
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
    restore.push(() => Object.defineProperty(HTMLElement.prototype, name, original));
  }
  if (!options.keepState) {
    sessionStorage.clear();
    localStorage.clear();
    history.replaceState(null, '', '/');
  }
  const target = document.createElement('div');
  document.body.append(target);
  const app = new AppState(backend);
  const component = mount(App, { target, props: { app } });
  const stop = app.start();

  const q = (testid: string) => target.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
  const flush = async () => {
    flushSync();
    await settle(8);
    flushSync();
  };
  const window: AppWindow = {
    target,
    app,
    q,
    all: (testid) => [...target.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)],
    text: (testid) => q(testid)?.textContent?.replace(/\s+/g, ' ').trim(),
    flush,
    async click(what, init = {}) {
      const element = typeof what === 'string' ? q(what) : what;
      if (!element) throw new Error(`nothing to click: no [data-testid="${String(what)}"]`);
      element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ...init }));
      await flush();
    },
    async press(key, init = {}, on = document.activeElement ?? document.body) {
      on.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
      await flush();
    },
    async type(testid, value) {
      const input = q(testid) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      flushSync();
    },
    close() {
      stop();
      unmount(component);
      target.remove();
      for (const undo of restore.splice(0).reverse()) undo();
    },
  };
  await flush();
  return window;
}
