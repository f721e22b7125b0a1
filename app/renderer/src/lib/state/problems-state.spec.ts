import { describe, expect, it } from 'vitest';
import { FakeBackend, settle } from '../testing/fake-backend.ts';
import { image, pageOf } from '../testing/fixtures.ts';
import { Notices } from './notices.svelte.ts';
import { ProblemsState } from './problems-state.svelte.ts';

describe('ProblemsState', () => {
  it('loads the first page up front for the count, then pages like the grid', async () => {
    let total = 3;
    const backend = new FakeBackend({
      'dataset.problems': ({ offset = 0, limit = 500 }) =>
        pageOf(total, offset, limit, (i) => image(i + 1, { status: 'error', errorCode: 'DECODE_FAILED', errorMessage: 'bad' })),
    });
    const problems = new ProblemsState(backend.client, new Notices());
    problems.adopt();
    await settle();
    expect(problems.total).toBe(3);
    expect(problems.rows.itemAt(2)?.errorCode).toBe('DECODE_FAILED');
    total = 5;
    problems.refresh();
    await settle();
    expect(problems.total).toBe(5);
    problems.toggle();
    expect(problems.expanded).toBe(true);
    problems.clear();
    expect(problems.expanded).toBe(false);
    expect(problems.total).toBeNull();
  });
});
