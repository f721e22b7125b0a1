#!/usr/bin/env node
// The CLI is built into out/main by `npm run build` (run on install).
import { existsSync } from 'node:fs';

const built = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('likeness: not built yet; run `npm run build` in the Likeness folder\n');
  process.exit(1);
}
await import(built.href);
