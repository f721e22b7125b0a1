import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '#api/errors.ts';
import { ConnectionLostError } from '../backend/backend.ts';
import { Notices, summarizeError } from './notices.svelte.ts';

describe('summarizeError', () => {
  it('keeps host codes, names transport and contract failures', () => {
    expect(summarizeError(new ApiError('NO_PROJECT', 'open a project'))).toEqual({ code: 'NO_PROJECT', message: 'open a project' });
    expect(summarizeError(new ConnectionLostError('lost'))).toEqual({ code: 'DISCONNECTED', message: 'lost' });
    expect(summarizeError(z.number().safeParse('x').error).code).toBe('BAD_REPLY');
    expect(summarizeError(new TypeError('bad'))).toEqual({ code: 'TypeError', message: 'bad' });
    expect(summarizeError('plain')).toEqual({ code: 'ERROR', message: 'plain' });
  });
});

describe('Notices', () => {
  it('keeps every error until dismissed, folding immediate repeats into a count', () => {
    const notices = new Notices();
    notices.report(new ApiError('NOT_FOUND', 'no job 3'), 'Cancelling job 3');
    notices.report(new ApiError('NOT_FOUND', 'no job 3'), 'Cancelling job 3');
    notices.report(new ApiError('INTERNAL', 'disk full'), 'Loading images');
    expect(notices.items.map((n) => [n.code, n.repeats])).toEqual([
      ['NOT_FOUND', 2],
      ['INTERNAL', 1],
    ]);
    notices.dismiss(notices.items[0].id);
    expect(notices.items.map((n) => n.code)).toEqual(['INTERNAL']);
    notices.clear();
    expect(notices.items).toEqual([]);
  });
});
