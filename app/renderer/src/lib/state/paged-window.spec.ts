import { describe, expect, it, vi } from 'vitest';
import { settle } from '../testing/fake-backend.ts';
import { PagedWindow, type Page } from './paged-window.svelte.ts';

/** A host list of `total` numbers; each fetch is recorded and answered when the test says so. */
function host(total: number) {
  const requests: { offset: number; limit: number; answer: () => void; fail: (error: unknown) => void }[] = [];
  let size = total;
  const fetch = vi.fn(
    (offset: number, limit: number) =>
      new Promise<Page<number>>((resolve, reject) => {
        requests.push({
          offset,
          limit,
          answer: () => {
            const end = Math.min(size, offset + limit);
            resolve({ total: size, items: Array.from({ length: Math.max(0, end - offset) }, (_, i) => offset + i) });
          },
          fail: reject,
        });
      }),
  );
  return {
    fetch,
    requests,
    offsets: () => requests.map((request) => request.offset),
    answerAll: async () => {
      for (const request of requests.splice(0)) request.answer();
      await settle();
    },
    resize: (next: number) => (size = next),
  };
}

describe('PagedWindow', () => {
  it('fetches the first page before it knows the length, then only what the range needs', async () => {
    const list = host(100_000);
    const window = new PagedWindow(list.fetch, vi.fn(), { pageSize: 100, overscan: 50 });
    window.reset();
    expect(list.offsets()).toEqual([0]);
    await list.answerAll();
    expect(window.total).toBe(100_000);
    expect(window.itemAt(42)).toBe(42);

    window.setRange(5_000, 5_060);
    // 5,000–5,060 plus 50 each side spans 4,950–5,110: three pages, none beyond.
    expect(list.offsets()).toEqual([4_900, 5_000, 5_100]);
    await list.answerAll();
    expect(window.itemAt(5_059)).toBe(5_059);
    expect(window.itemAt(7_000)).toBeUndefined();
  });

  it('asks once per page while a request is in flight and serves cached pages without asking', async () => {
    const list = host(1_000);
    const window = new PagedWindow(list.fetch, vi.fn(), { pageSize: 100, overscan: 0 });
    window.setRange(0, 50);
    window.setRange(10, 60);
    expect(list.fetch).toHaveBeenCalledTimes(1);
    await list.answerAll();
    window.setRange(20, 80);
    expect(list.fetch).toHaveBeenCalledTimes(1);
  });

  it('requests pages on screen that it could not name before the first answer', async () => {
    const list = host(1_000);
    const window = new PagedWindow(list.fetch, vi.fn(), { pageSize: 100, overscan: 0 });
    window.setRange(0, 250);
    expect(list.offsets()).toEqual([0, 100, 200]);
    await list.answerAll();
    expect(window.itemAt(249)).toBe(249);
  });

  it('keeps showing old items during a refresh and drops answers from before it', async () => {
    const list = host(1_000);
    const window = new PagedWindow(list.fetch, vi.fn(), { pageSize: 100, overscan: 0 });
    window.setRange(0, 10);
    await list.answerAll();
    window.setRange(500, 510);
    const stale = list.requests.splice(0);
    window.refresh();
    expect(window.itemAt(5)).toBe(5);
    list.resize(300);
    for (const request of stale) request.answer();
    await settle();
    expect(window.total).toBe(1_000);
    await list.answerAll();
    expect(window.total).toBe(300);
  });

  it('reports a failed page once and does not retry it until the next refresh', async () => {
    const onError = vi.fn();
    const list = host(1_000);
    const window = new PagedWindow(list.fetch, onError, { pageSize: 100, overscan: 0 });
    window.setRange(0, 10);
    list.requests.splice(0)[0].fail(new Error('boom'));
    await settle();
    expect(onError).toHaveBeenCalledOnce();
    expect(window.loading).toBe(false);
    window.setRange(0, 20);
    expect(list.fetch).toHaveBeenCalledOnce();
    window.refresh();
    expect(list.fetch).toHaveBeenCalledTimes(2);
  });

  it('keeps a bounded number of pages, dropping those farthest from the view', async () => {
    const list = host(100_000);
    const window = new PagedWindow(list.fetch, vi.fn(), { pageSize: 100, overscan: 0, maxPages: 3 });
    for (const start of [0, 1_000, 2_000, 3_000, 4_000]) {
      window.setRange(start, start + 10);
      await list.answerAll();
    }
    expect(window.itemAt(4_005)).toBe(4_005);
    expect(window.itemAt(3_005)).toBe(3_005);
    expect(window.itemAt(5)).toBeUndefined();
  });

  it('asks again on refresh after the list was empty, and shows what arrived since', async () => {
    const list = host(0);
    const window = new PagedWindow(list.fetch, vi.fn(), { pageSize: 100, overscan: 50 });
    window.reset();
    window.setRange(0, 30);
    await list.answerAll();
    expect(window.total).toBe(0);
    list.resize(12);
    window.refresh();
    expect(list.offsets()).toEqual([0]);
    await list.answerAll();
    expect(window.total).toBe(12);
    expect(window.itemAt(11)).toBe(11);
  });

  it('clears without fetching', async () => {
    const list = host(10);
    const window = new PagedWindow(list.fetch, vi.fn());
    window.reset();
    await list.answerAll();
    window.clear();
    expect(window.total).toBeNull();
    expect(window.itemAt(0)).toBeUndefined();
    expect(list.requests).toEqual([]);
  });
});
