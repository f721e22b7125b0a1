/**
 * Writes the project database of the current schema, with real rows in every table a curator fills
 * (images, variants, decisions, undo history), to `test/fixtures/releases/schema-<version>.likeness`.
 * Run it once at each release, before the next release adds a migration: the migration spec then
 * proves every later migration upgrades a database exactly as users have it.
 *   npx tsx tools/architecture/snapshot-release-database.ts
 */
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHarness } from '../../app/main/curation/testing/curation-harness.ts';
import { schemaVersion } from '../../app/main/project/project-database.ts';

const harness = await createHarness({ identities: 2, imagesPerIdentity: 2, variantsPerImage: 3, actor: 'release-snapshot' });
const [first, second, third] = harness.variants;
await harness.call('curation.decide', { variantIds: [first.id, second.id], status: 'accepted' });
await harness.call('curation.decide', { variantIds: [third.id], status: 'rejected' });
await harness.call('curation.undo', {});
const db = harness.session().db;
const version = schemaVersion(db);
db.pragma('wal_checkpoint(TRUNCATE)');
const target = resolve(import.meta.dirname, '../../test/fixtures/releases', `schema-${version}.likeness`);
copyFileSync(harness.projectPath, target);
await harness.cleanup();
console.log(`wrote ${join('test/fixtures/releases', `schema-${version}.likeness`)}`);
