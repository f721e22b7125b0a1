import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../app/main/host/app-services.ts';
import { startWebHost, type WebHost } from '../../app/main/host/web/web-host.ts';
import { sharedFacesDir, sharedFacesOrSkip } from '../fixtures/shared-faces.ts';

const SECRET = 'likeness-traversal-secret';

function get(host: WebHost, path: string, cookie: string): Promise<{ status: number; body: string }> {
  const { port, host: hostHeader } = new URL(host.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host: hostHeader, cookie } }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The media routes after an import, with the files on disk swapped for symlinks that point out of
 * the project: what a hostile dataset, or someone with write access to it, can arrange.
 */
describe.runIf(sharedFacesOrSkip())('media routes against symlinks out of the project', () => {
  let services: AppServices;
  let host: WebHost;
  let cookie: string;
  let ids: Map<string, number>;
  let mediaRoot: string;
  let linkedThumb: string;
  let intactThumb: string;
  const dir = mkdtempSync(join(tmpdir(), 'likeness-traversal-'));
  const secret = join(dir, 'secret.txt');

  beforeAll(async () => {
    writeFileSync(secret, SECRET);
    const root = join(dir, 'dataset');
    mkdirSync(join(root, 'ann'), { recursive: true });
    for (const n of [1, 2, 3]) copyFileSync(join(sharedFacesDir, `orl/s30/${n}.png`), join(root, `ann/${n}.png`));
    services = createAppServices({ host: 'web', settingsDir: join(dir, 'settings'), log: () => {} });
    await services.workspace.open(join(dir, 'p.likeness'), 'create');
    const reply = await services.router('dataset.import', { layout: 'imagefolder', root });
    expect(reply.ok).toBe(true);
    const session = services.workspace.require();
    await session.jobs.idle();
    mediaRoot = session.media.root;
    ids = new Map(
      (session.db.prepare('SELECT rel_path, id FROM images').all() as { rel_path: string; id: number }[]).map((r) => [r.rel_path, r.id]),
    );

    // The imported file itself replaced by a link to a file outside the dataset.
    rmSync(join(root, 'ann/1.png'));
    symlinkSync('/etc/passwd', join(root, 'ann/1.png'));
    rmSync(join(root, 'ann/2.png'));
    symlinkSync(secret, join(root, 'ann/2.png'));
    // Links planted inside the media store, named like the media it holds.
    const thumbs = session.db.prepare('SELECT thumb_key FROM images ORDER BY thumb_key').pluck().all() as string[];
    [linkedThumb, intactThumb] = thumbs.map((key) => key.slice('thumbs/'.length)) as [string, string];
    rmSync(session.media.pathOf(`thumbs/${linkedThumb}`));
    symlinkSync(secret, session.media.pathOf(`thumbs/${linkedThumb}`));
    symlinkSync(dir, join(mediaRoot, 'thumbs', 'escape'));

    const bundle = join(dir, 'bundle');
    mkdirSync(bundle);
    writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>Likeness</title>');
    host = await startWebHost({ services, rendererDir: bundle });
    const login = await fetch(host.signInUrl(), { redirect: 'manual' });
    cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
  });

  afterAll(async () => {
    await host?.close();
    await services?.shutdown();
  });

  it('still serves an untouched original and thumbnail, so the refusals below are not a broken route', async () => {
    const res = await get(host, `/media/originals/${ids.get('ann/3.png')}`, cookie);
    expect(res.status).toBe(200);
    expect(res.body.startsWith('\x89PNG')).toBe(true);
    expect((await get(host, `/media/thumbs/${intactThumb}`, cookie)).status).toBe(200);
  });

  it.each([
    ['an original replaced by a link to /etc/passwd', () => `/media/originals/${ids.get('ann/1.png')}`],
    ['an original replaced by a link to a file beside the dataset', () => `/media/originals/${ids.get('ann/2.png')}`],
    ['a thumbnail replaced by a link out of the media store', () => `/media/thumbs/${linkedThumb}`],
    ['a directory link inside the media store', () => '/media/thumbs/escape/secret.txt'],
    ['an encoded directory link inside the media store', () => '/media/thumbs%2fescape%2fsecret.txt'],
    ['an image id that does not exist', () => '/media/originals/999999'],
  ])('refuses %s', async (_, path) => {
    const res = await get(host, path(), cookie);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
  });
});
