import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '#api/errors.ts';
import { FakeBackend } from '../testing/fake-backend.ts';
import { projectSummary } from '../testing/fixtures.ts';
import { Notices } from './notices.svelte.ts';
import { ProjectState } from './project-state.svelte.ts';

function setup(handlers: ConstructorParameters<typeof FakeBackend>[0] = {}) {
  const backend = new FakeBackend({ 'project.current': () => null, 'project.recent': () => [], ...handlers });
  const notices = new Notices();
  const onChange = vi.fn();
  return { backend, notices, onChange, project: new ProjectState(backend.client, notices, onChange) };
}

describe('ProjectState', () => {
  it('loads the open project and the recent list', async () => {
    const recent = [{ path: '/gone.likeness', name: 'gone', openedAt: '2025-01-01T00:00:00Z', exists: false }];
    const { project, onChange } = setup({ 'project.current': () => projectSummary(), 'project.recent': () => recent });
    expect(project.loaded).toBe(false);
    await project.load();
    expect(project.loaded).toBe(true);
    expect(project.current?.name).toBe('faces');
    expect(project.recent).toEqual(recent);
    expect(onChange).toHaveBeenCalledWith(project.current);
  });

  it('shows an open failure beside the form, not as a toast, and clears it on the next try', async () => {
    const { project, notices, backend } = setup({
      'project.open': ({ path }) => {
        throw new ApiError('PROJECT_INVALID', `${path} is not a project`);
      },
    });
    expect(await project.open('  /x.txt ')).toBe(false);
    expect(backend.callsOf('project.open')).toEqual([{ path: '/x.txt' }]);
    expect(project.error).toEqual({ code: 'PROJECT_INVALID', message: '/x.txt is not a project' });
    expect(project.busy).toBeNull();
    expect(notices.items).toEqual([]);
    backend.handlers['project.create'] = ({ path }) => projectSummary(path);
    expect(await project.create('/new.likeness')).toBe(true);
    expect(project.error).toBeNull();
    expect(project.current?.path).toBe('/new.likeness');
  });

  it('announces a switch once, however many times the host repeats it', () => {
    const { project, onChange } = setup();
    project.setCurrent(projectSummary('/a.likeness'));
    project.setCurrent({ ...projectSummary('/a.likeness'), name: 'renamed' });
    project.setCurrent(null);
    project.setCurrent(null);
    expect(onChange.mock.calls.map(([p]) => p?.path ?? null)).toEqual(['/a.likeness', null]);
    expect(project.current).toBeNull();
  });

  it('closes, and reports a failed close as a notice', async () => {
    const { project, notices, backend } = setup({ 'project.close': () => ({ closed: true }) });
    project.setCurrent(projectSummary());
    await project.close();
    expect(project.current).toBeNull();
    project.setCurrent(projectSummary());
    backend.handlers['project.close'] = () => {
      throw new ApiError('INTERNAL', 'lock stuck');
    };
    await project.close();
    expect(project.current).not.toBeNull();
    expect(notices.items.map((n) => [n.code, n.context])).toEqual([['INTERNAL', 'Closing project']]);
  });
});
