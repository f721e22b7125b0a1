import { readFileSync } from 'node:fs';

/** Read once from package.json so the CLI, both hosts and exports all report the same version. */
export const appVersion: string = (() => {
  for (const candidate of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'likeness' && pkg.version) return pkg.version;
    } catch {
      // Source and bundled layouts sit at different depths; try the next one.
    }
  }
  return '0.0.0';
})();
