import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isAppUrl, isTrustedSender } from './app-origin.ts';
import { MEDIA_HEADERS, mediaKeyOf } from './media-request.ts';

const top = { parent: null };

describe('the IPC sender check', () => {
  it('shows why the origin cannot be compared in Node: Node gives a custom scheme the opaque origin', () => {
    expect(new URL(`${APP_ORIGIN}/index.html`).origin).toBe('null');
  });

  it.each([
    ['Chromium reports the tuple origin', { ...top, url: `${APP_ORIGIN}/index.html`, origin: APP_ORIGIN }],
    ['the origin is reported as "null"', { ...top, url: `${APP_ORIGIN}/index.html`, origin: 'null' }],
    ['no origin is reported (older Electron)', { ...top, url: `${APP_ORIGIN}/index.html` }],
    ['a deep route with a query', { ...top, url: `${APP_ORIGIN}/index.html?x=1#/curation`, origin: APP_ORIGIN }],
  ])('trusts the app page when %s', (_, frame) => {
    expect(isTrustedSender(frame)).toBe(true);
  });

  it.each([
    ['no frame (destroyed)', null],
    ['a subframe of the app', { url: `${APP_ORIGIN}/index.html`, origin: APP_ORIGIN, parent: {} }],
    ['a page on the local web host', { ...top, url: 'http://127.0.0.1:5173/', origin: 'http://127.0.0.1:5173' }],
    ['another host of the app scheme', { ...top, url: 'likeness-app://evil/index.html', origin: 'likeness-app://evil' }],
    ['credentials that put the real host after @', { ...top, url: 'likeness-app://bundle@evil/index.html' }],
    ['a host that only starts with bundle', { ...top, url: 'likeness-app://bundle.evil/index.html' }],
    ['the media scheme', { ...top, url: 'likeness-media://bundle/thumbs/a.webp' }],
    ['a file URL', { ...top, url: 'file:///index.html', origin: 'file://' }],
    ['about:blank that inherited the app origin', { ...top, url: 'about:blank', origin: APP_ORIGIN }],
    ['an app URL in a frame whose origin is elsewhere', { ...top, url: `${APP_ORIGIN}/index.html`, origin: 'https://evil.example' }],
    ['a URL that does not parse', { ...top, url: 'likeness-app://%%%' }],
  ])('refuses %s', (_, frame) => {
    expect(isTrustedSender(frame)).toBe(false);
  });

  it('allows navigation within the bundle only', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('javascript:alert(1)')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });
});

describe('the media protocol request', () => {
  it('decodes the key, and answers null for a URL with a bad % instead of throwing', () => {
    expect(mediaKeyOf('likeness-media://bundle/thumbs/abc.webp')).toBe('thumbs/abc.webp');
    expect(mediaKeyOf('likeness-media://bundle/thumbs%2Fabc.webp')).toBe('thumbs/abc.webp');
    expect(mediaKeyOf('likeness-media://bundle/thumbs/%E0%A4%A.webp')).toBeNull();
    expect(mediaKeyOf('likeness-media://bundle/%')).toBeNull();
  });

  it('sends headers that keep any media file from being run as a page or sniffed as a script', () => {
    expect(MEDIA_HEADERS['X-Content-Type-Options']).toBe('nosniff');
    expect(MEDIA_HEADERS['Content-Security-Policy']).toBe("default-src 'none'; sandbox");
  });
});
