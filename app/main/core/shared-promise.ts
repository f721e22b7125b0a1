/** What `sharedPromise` keeps its entries in: a Map, or a cache that may forget entries. */
export interface PromiseStore<K, V> {
  get(key: K): Promise<V> | undefined;
  set(key: K, value: Promise<V>): unknown;
  delete(key: K): unknown;
}

/**
 * The promise for `key`, started by `make` on the first call and shared by every caller while it is
 * kept, so concurrent callers never do the work twice. A rejected one is dropped, so the next call
 * tries again instead of being handed the old failure.
 */
export function sharedPromise<K, V>(store: PromiseStore<K, V>, key: K, make: () => Promise<V>): Promise<V> {
  let entry = store.get(key);
  if (!entry) {
    entry = make();
    store.set(key, entry);
    entry.catch(() => store.delete(key));
  }
  return entry;
}
