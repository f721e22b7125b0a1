/**
 * Runs `work` on up to `concurrency` items at once and yields the results in input order, so the
 * caller can commit them in order while decodes overlap. Stopping early (break, throw) waits for
 * the work already started, so none of it outlives the caller.
 */
export async function* mapInOrder<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  let next = 0;
  try {
    while (next < items.length || pending.length > 0) {
      while (pending.length < concurrency && next < items.length) {
        const task = work(items[next]!);
        // Awaited in order below; the no-op keeps a later task's early failure from counting as unhandled.
        task.catch(() => {});
        pending.push(task);
        next += 1;
      }
      yield await pending.shift()!;
    }
  } finally {
    await Promise.allSettled(pending);
  }
}
