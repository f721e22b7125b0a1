import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '#api/errors.ts';
import { EventBus } from '../core/event-bus.ts';
import { Workspace } from './workspace.ts';

const dir = mkdtempSync(join(tmpdir(), 'likeness-workspace-'));
let workspace: Workspace;

afterEach(async () => {
  await workspace.close();
});

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('Workspace', () => {
  it('keeps the open project when another cannot be opened or created', async () => {
    const events = new EventBus();
    const changes: unknown[] = [];
    events.subscribe((event, payload) => event === 'project.changed' && changes.push(payload));
    workspace = new Workspace({ settingsDir: join(dir, 'settings'), events, jobHandlers: () => [] });
    const kept = await workspace.open(join(dir, 'kept.likeness'), 'create');
    writeFileSync(join(dir, 'notes.txt'), 'not a project '.repeat(100));

    expect((await rejection(workspace.open(join(dir, 'missing.likeness'), 'open'))).code).toBe('NOT_FOUND');
    expect((await rejection(workspace.open(join(dir, 'notes.txt'), 'open'))).code).toBe('PROJECT_INVALID');
    const missingFolder = await rejection(workspace.open(join(dir, 'no-such-folder', 'p.likeness'), 'create'));
    expect(missingFolder.code).toBe('NOT_FOUND');
    expect(missingFolder.message).toContain(`the folder ${join(dir, 'no-such-folder')} does not exist`);

    expect(workspace.session?.path).toBe(kept.path);
    expect(workspace.session?.summary().counts.images).toBe(0);
    expect(changes).toEqual([{ project: kept }]);

    const other = await workspace.open(join(dir, 'other.likeness'), 'create');
    expect(workspace.session?.path).toBe(other.path);
    expect(changes).toEqual([{ project: kept }, { project: other }]);
  });
});
