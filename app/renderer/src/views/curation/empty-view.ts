import type { GridViewSettings } from '../../lib/state/curation-grid.svelte.ts';

export interface EmptyViewText {
  readonly title: string;
  readonly hint: string;
  /** Whether clearing the filters would show something: the view offers a button for it. */
  readonly filtered: boolean;
}

/** An empty grid says why it is empty and what to do next, not only that nothing matched. */
export function emptyViewText(view: GridViewSettings, identityName: string | null): EmptyViewText {
  const filtered =
    view.statuses.length > 0 ||
    view.editKinds.length > 0 ||
    (view.score !== null && (view.score.min !== undefined || view.score.max !== undefined));
  if (filtered) {
    return { title: 'No variants match these filters.', hint: 'Clear the status, edit and score filters to see every variant.', filtered };
  }
  if (identityName !== null) {
    return {
      title: `No variants of ${identityName} yet.`,
      hint: 'Open the Dataset tab, pick this identity and press Synthesize… to make some.',
      filtered,
    };
  }
  return {
    title: 'No variants yet.',
    hint: 'Open the Dataset tab, choose identities and press Synthesize… to make variants to review here.',
    filtered,
  };
}
