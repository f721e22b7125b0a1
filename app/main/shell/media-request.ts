/**
 * The media protocol's side that needs no Electron: which key a request names (null for a URL that
 * does not decode, such as a stray `%`), and the headers every media response carries so a
 * thumbnail can never be read as a page or a script.
 */
export function mediaKeyOf(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  } catch {
    return null;
  }
}

export const MEDIA_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
} as const;
