import { describe, expect, it } from 'vitest';
import { commands } from '#api/contract.ts';
import { ApiError } from '#api/errors.ts';
import { curationBackend } from './curation-backend.ts';
import { ContractViolation, FakeBackend, type FakeHandlers } from './fake-backend.ts';
import { projectSummary } from './fixtures.ts';

describe('the fake backend specs share', () => {
  it('refuses to answer a command the contract does not have', () => {
    expect(() => new FakeBackend({ 'project.rename': () => null } as unknown as FakeHandlers)).toThrow(
      /project\.rename is not a command of the API contract/,
    );
  });

  it('fails the spec, naming the command, when a fixture replies outside the output schema', async () => {
    const fake = new FakeBackend({ 'project.current': () => ({ path: '/x.likeness' }) as never });
    await expect(fake.client.call('project.current', {})).rejects.toThrow(ContractViolation);
    await expect(fake.client.call('project.current', {})).rejects.toThrow(/fake project\.current replied outside the contract/);
  });

  it('answers input the contract refuses with INVALID_INPUT, as the router does, before any handler runs', async () => {
    let ran = false;
    const fake = new FakeBackend({ 'project.open': () => ((ran = true), projectSummary()) });
    await expect(fake.client.call('project.open', { path: 42 } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(ran).toBe(false);
  });

  it('hands handlers the parsed input, with the contract defaults filled in', async () => {
    let seen: unknown;
    const fake = new FakeBackend({ 'dataset.images': (input) => ((seen = input), { total: 0, offset: 0, items: [] }) });
    await fake.client.call('dataset.images', {});
    expect(seen).toEqual(commands['dataset.images'].input.parse({}));
  });

  it('sends a thrown ApiError as an error reply and an unanswered command as UNKNOWN_COMMAND', async () => {
    const fake = new FakeBackend({
      'project.open': () => {
        throw new ApiError('PROJECT_INVALID', 'not a project');
      },
    });
    await expect(fake.client.call('project.open', { path: '/a.likeness' })).rejects.toMatchObject({ code: 'PROJECT_INVALID' });
    await expect(fake.client.call('project.close', {})).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
  });

  it('refuses to emit an event outside the contract', () => {
    const fake = new FakeBackend();
    expect(() => fake.emit('curation.changed', { actionId: 'one' } as never)).toThrow(ContractViolation);
  });

  it('serves a curation world whose every command is in the contract and replies within it', async () => {
    const { backend } = curationBackend();
    const view = { groupBy: 'source' as const };
    const replies = await Promise.all([
      backend.client.call('project.current', {}),
      backend.client.call('curation.groups', { view }),
      backend.client.call('curation.page', { view, segments: [{ groupKey: '10', offset: 0, limit: 4 }] }),
      backend.client.call('curation.progress', {}),
      backend.client.call('curation.ruleDefaults', {}),
      backend.client.call('curation.compare', { variantId: 1 }),
    ]);
    expect(replies).toHaveLength(6);
    expect(Object.keys(backend.handlers).every((name) => Object.hasOwn(commands, name))).toBe(true);
  });
});
