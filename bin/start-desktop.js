#!/usr/bin/env node
// Starts the Electron shell if an Electron binary is installed. Deliberately never loads the
// `electron` package: on machines without the binary, loading it tries a download.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('../node_modules/electron/', import.meta.url));
const pathFile = `${pkgDir}path.txt`;
const binary = existsSync(pathFile) ? `${pkgDir}dist/${readFileSync(pathFile, 'utf8').trim()}` : null;

if (!binary || !existsSync(binary)) {
  process.stderr.write(
    'likeness: no Electron binary is installed (node_modules/electron/dist is empty).\n' +
      'On a normal machine `npm install` fetches it; allow its install script with\n' +
      '  npm install-scripts approve electron && npm rebuild electron\n' +
      'Meanwhile the same app runs in a browser: npm run web\n',
  );
  process.exit(1);
}
const child = spawn(binary, [fileURLToPath(new URL('..', import.meta.url))], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
