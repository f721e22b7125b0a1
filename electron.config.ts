import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * Electron fuses for the packaged app, flipped in the binary by the packaging step (@electron/fuses
 * `flipFuses`, or electron-builder's `electronFuses`); the Electron binary cannot be had on these
 * machines, so nothing here packages. The app never needs Node behaviour from the Electron binary,
 * environment-driven Node options or inspector flags, and loads only its own ASAR, checked.
 */
export const electronFuses = {
  version: '1',
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const;

// One build produces everything both hosts need: the Electron shell, the CLI/web host and the
// inference worker share `out/main`, the sandboxed preload is CommonJS, the renderer is plain web.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve('app/main/shell/electron-main.ts'),
          cli: resolve('app/main/cli/likeness.ts'),
          'inference-worker': resolve('app/main/inference/inference-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('app/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('app/renderer'),
    plugins: [svelte()],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: resolve('app/renderer/index.html') },
    },
  },
});
