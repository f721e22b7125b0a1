import { afterEach, describe, expect, it } from 'vitest';
import type { GridViewSettings } from './curation-grid.svelte.ts';
import { restoredView, saveView, viewFromParams, viewToParams } from './saved-view.ts';

const undecidedLowestFirst: GridViewSettings = {
  groupBy: 'identity',
  sort: 'idToSource',
  direction: 'asc',
  statuses: ['unset'],
  editKinds: ['relight'],
  score: { metric: 'idToCentroid', max: 0.6 },
};

describe('saved views', () => {
  afterEach(() => {
    localStorage.clear();
    history.replaceState(null, '', '/');
  });

  it('round-trips a view through URL parameters', () => {
    const params = viewToParams(undecidedLowestFirst);
    expect(params.toString()).toBe('group=identity&sort=idToSource&dir=asc&status=unset&edit=relight&metric=idToCentroid&max=0.6');
    expect(viewFromParams(params)).toEqual(undecidedLowestFirst);
  });

  it('ignores what does not parse in a hand-edited link', () => {
    expect(viewFromParams(new URLSearchParams('group=bogus&sort=idToSource&status=unset,nope&min=abc'))).toEqual({
      sort: 'idToSource',
      statuses: ['unset'],
      editKinds: [],
      score: null,
    });
    expect(viewFromParams(new URLSearchParams('token=x'))).toBeNull();
  });

  it('puts the view in the address bar, keeping other parameters, and restores it after a reload', () => {
    history.replaceState(null, '', '/?token=abc');
    saveView(undecidedLowestFirst);
    expect(new URLSearchParams(location.search).get('token')).toBe('abc');
    expect(new URLSearchParams(location.search).get('status')).toBe('unset');
    expect(restoredView()).toEqual(undecidedLowestFirst);
    history.replaceState(null, '', '/');
    expect(restoredView()).toEqual(undecidedLowestFirst);
  });
});
