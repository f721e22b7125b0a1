/**
 * TEST SUPPORT — a web host in a process of its own, as `likeness serve` runs it, over a project
 * seeded with `variants` rows of one source image (all edit kind 'relight'), so the tests can read
 * its memory and see whether it stays up. Prints one JSON line {origin, token}; answers IPC
 * 'memory' with process.memoryUsage() (after a full GC when asked) and exits on SIGTERM.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAppServices } from '../../../app/main/host/app-services.ts';
import { startWebHost } from '../../../app/main/host/web/web-host.ts';

const [dir, variantsText] = process.argv.slice(2) as [string, string];
const services = createAppServices({ host: 'web', settingsDir: join(dir, 'settings'), log: () => {} });
await services.workspace.open(join(dir, 'served.likeness'), 'create');
const db = services.workspace.require().db;
const now = new Date().toISOString();
db.transaction(() => {
  db.prepare("INSERT INTO datasets (id, root, layout, created_at) VALUES (1, ?, 'imagefolder', ?)").run(dir, now);
  db.prepare("INSERT INTO identities (id, name, created_at) VALUES (1, 'ann', ?)").run(now);
  db.prepare(
    `INSERT INTO images (id, dataset_id, identity_id, rel_path, status, content_hash, bytes, format, width, height, channels, orientation, imported_at)
     VALUES (1, 1, 1, 'ann/1.png', 'ok', 'h', 1, 'png', 92, 112, 1, 1, ?)`,
  ).run(now);
  db.prepare(
    "INSERT INTO packs (id, name, version, hash, path, manifest, created_at) VALUES (1, 'seed', '1', 'sha256:seed', '/nonexistent', '{}', ?)",
  ).run(now);
  const insert = db.prepare(
    `INSERT INTO variants (source_image_id, identity_id, pack_id, ordinal, edit_kind, strength, seed, recipe, file_key, width, height,
       id_to_source, id_to_centroid, diversity, created_at)
     VALUES (1, 1, 1, ?, 'relight', 1, ?, '{}', ?, 92, 112, 0.5, 0.45, 0.02, ?)`,
  );
  for (let k = 0; k < Number(variantsText); k += 1) insert.run(k, k, `variants/seed-${k}.png`, now);
})();

const bundle = join(dir, 'bundle');
mkdirSync(bundle, { recursive: true });
writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>Likeness</title>');
const host = await startWebHost({ services, rendererDir: bundle, log: () => {} });

process.on('message', (message: { type: string; gc?: boolean }) => {
  if (message.type !== 'memory') return;
  if (message.gc) (globalThis as { gc?: () => void }).gc?.();
  process.send!({ type: 'memory', usage: process.memoryUsage() });
});
process.once('SIGTERM', () => {
  void host
    .close()
    .then(() => services.shutdown())
    .then(() => process.exit(0));
});
process.stdout.write(`${JSON.stringify({ origin: host.origin, token: host.token })}\n`);
