import { describe, expect, it } from 'vitest';
import { emptyViewText } from './empty-view.ts';

const plain = { groupBy: 'source' as const, sort: 'natural' as const, direction: 'asc' as const, statuses: [], editKinds: [], score: null };

describe('emptyViewText', () => {
  it('tells a new project to synthesize, not that nothing matches', () => {
    const text = emptyViewText(plain, null);
    expect(text.title).toBe('No variants yet.');
    expect(text.hint).toMatch(/Synthesize/);
    expect(text.filtered).toBe(false);
  });

  it('names the identity picked in the sidebar', () => {
    expect(emptyViewText(plain, 's7').title).toBe('No variants of s7 yet.');
  });

  it('blames the filters when filters are set, and offers to clear them', () => {
    const text = emptyViewText({ ...plain, statuses: ['unset'] }, 's7');
    expect(text.title).toBe('No variants match these filters.');
    expect(text.filtered).toBe(true);
    expect(emptyViewText({ ...plain, score: { metric: 'idToSource', min: 0.9 } }, null).filtered).toBe(true);
  });
});
