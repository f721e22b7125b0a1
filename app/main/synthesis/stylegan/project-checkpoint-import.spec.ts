import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '#api/client.ts';
import { ApiError } from '#api/errors.ts';
import { makeGeneratorFixture, makeHostileCheckpoints, torchOracleOrSkip } from '../../../../test/oracles/torch-oracle.ts';
import { createAppServices, type AppServices } from '../../host/app-services.ts';
import { inProcessTransport } from '../../host/in-process-transport.ts';
import { closeSharedInferenceClient } from '../../inference/shared-inference-client.ts';
import { defaultPacksDir } from '../packs/project-packs-folder.ts';

/** The UI's path: synthesis.importCheckpoint through the typed API into an open project. */
describe.runIf(torchOracleOrSkip())('synthesis.importCheckpoint', () => {
  const root = mkdtempSync(join(tmpdir(), 'likeness-checkpoint-api-'));
  const projectPath = join(root, 'faces.likeness');
  let services: AppServices;
  let client: ApiClient;

  beforeAll(async () => {
    services = createAppServices({ host: 'cli', settingsDir: join(root, 'settings'), log: () => undefined });
    client = new ApiClient(inProcessTransport(services));
    await client.call('project.create', { path: projectPath });
  });

  afterAll(async () => {
    await services?.shutdown();
    await closeSharedInferenceClient();
    rmSync(root, { recursive: true, force: true });
  });

  it('imports a rosinality checkpoint beside the project, registers it and lists it with its parts', async () => {
    const fixture = await makeGeneratorFixture(join(root, 'rosinality'), { format: 'rosinality', resolution: 64, channelMax: 16, seed: 6 });
    const pack = await client.call('synthesis.importCheckpoint', { checkpoint: fixture.checkpoint, truncation: 0.8 });
    expect(pack).toMatchObject({ kind: 'installed', outputSize: 64 });
    expect(pack.path!.startsWith(defaultPacksDir(projectPath))).toBe(true);
    expect(pack.parts.map((p) => p.name)).toEqual(['coarse', 'middle', 'fine']);
    expect((await client.call('synthesis.packs', {})).map((p) => p.id)).toContain(pack.id);
  });

  it('answers a hostile checkpoint with INVALID_INPUT naming the global, and leaves no pack folder', async () => {
    const dir = join(root, 'hostile');
    await makeHostileCheckpoints(dir, join(dir, 'PWNED'));
    const before = readdirSync(defaultPacksDir(projectPath));
    const error = await client.call('synthesis.importCheckpoint', { checkpoint: join(dir, 'hostile-global.pt') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect((error as Error).message).toMatch(/"posix\.system"/);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    expect(readdirSync(defaultPacksDir(projectPath))).toEqual(before);
  });
});
