import type { z } from 'zod';

interface AnchoredSlice {
  readonly offset: number;
  readonly limit: number;
  readonly after?: { readonly offset: number };
  readonly before?: { readonly offset: number };
}

/**
 * A grid page may name a row the caller already holds just outside it (`after` above, `before`
 * below) so the host seeks from that row's key. An anchor on the wrong side would make it seek
 * from the wrong place, so dataset and curation pages both refuse it at the boundary.
 */
export function anchorsOutside(slice: string) {
  return (value: AnchoredSlice, ctx: z.RefinementCtx): void => {
    if (value.after && value.after.offset >= value.offset)
      ctx.addIssue({ code: 'custom', message: `an \`after\` anchor lies above its ${slice}`, path: ['after'] });
    if (value.before && value.before.offset < value.offset + value.limit)
      ctx.addIssue({ code: 'custom', message: `a \`before\` anchor lies below its ${slice}`, path: ['before'] });
  };
}
