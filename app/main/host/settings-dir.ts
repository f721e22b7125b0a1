import { homedir } from 'node:os';
import { join } from 'node:path';

/** LIKENESS_HOME wins (tests isolate themselves with it); otherwise the platform's config folder. */
export function settingsDir(): string {
  if (process.env.LIKENESS_HOME) return process.env.LIKENESS_HOME;
  if (process.platform === 'win32' && process.env.APPDATA) return join(process.env.APPDATA, 'Likeness');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Likeness');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'likeness');
}
