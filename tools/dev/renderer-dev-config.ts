import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { InlineConfig } from 'vite';

const rendererRoot = resolve(import.meta.dirname, '../../app/renderer');

/**
 * Vite's dev server over app/renderer (hot reload for Svelte components and state) in front of a
 * live `likeness serve`: the page comes from source, everything else is passed through to the host,
 * which keeps doing its own checks. The sign-in link is forwarded so the host sets its cookie for
 * 127.0.0.1 (cookies ignore the port); WebSocket upgrades carry the host's own origin, since the host
 * only accepts sockets from its own page and the dev page is that page served another way.
 */
export function rendererDevConfig(hostOrigin: string, port = 5173): InlineConfig {
  const target = new URL(hostOrigin);
  if (target.hostname !== '127.0.0.1' || target.protocol !== 'http:') {
    throw new Error(`the dev server proxies a local \`likeness serve\` (http://127.0.0.1:<port>), not ${hostOrigin}`);
  }
  const origin = target.origin;
  return {
    configFile: false,
    root: rendererRoot,
    plugins: [svelte()],
    logLevel: 'info',
    server: {
      host: '127.0.0.1',
      port,
      strictPort: false,
      proxy: {
        '^/\\?token=': { target: origin, changeOrigin: true },
        '/api': {
          target: origin,
          ws: true,
          changeOrigin: true,
          configure: (proxy) => proxy.on('proxyReqWs', (request) => request.setHeader('origin', origin)),
        },
        '/media': { target: origin, changeOrigin: true },
        '/favicon.svg': { target: origin, changeOrigin: true },
      },
    },
  };
}
