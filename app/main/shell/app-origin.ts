import { APP_SCHEME } from '#api/channels.ts';

// Kept free of Electron so it can be tested in plain Node: the shell decides with these alone.
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Whether a URL is a page of the app bundle. Decided by scheme and host, not by `new URL(url).origin`:
 * Chromium serialises the origin of a registered standard scheme as `likeness-app://bundle`, but
 * Node's URL (the one the main process has) does not know the scheme is standard and answers
 * "null" for it, which would refuse every call.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** The part of Electron's WebFrameMain the check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly origin?: string;
  readonly parent: unknown;
}

/**
 * Only the app's own top-level page may call the API. The frame's URL must be the bundle; the origin
 * Electron reports (WebFrameMain.origin) must agree when it is a tuple origin, and may be "null"
 * (opaque), since which of the two a given Electron reports for a custom standard scheme is theirs to choose.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  if (frame.origin !== undefined && frame.origin !== APP_ORIGIN && frame.origin !== 'null') return false;
  return isAppUrl(frame.url);
}
