import type { Backend } from './backend.ts';
import { DesktopBackend } from './desktop-backend.ts';
import { WebBackend } from './web-backend.ts';

/** The Electron preload defines `window.likeness`; a browser tab served by the web host has no such bridge. */
export function selectBackend(win: Window = window): Backend {
  return win.likeness ? new DesktopBackend(win.likeness) : new WebBackend();
}
