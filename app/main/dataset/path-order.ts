/**
 * Sorts by the UTF-8 bytes of each path: that is code point order, and also SQLite's BINARY
 * collation, so row ids follow the same order the queries list paths in, on every platform.
 */
export function sortByPath<T>(items: readonly T[], pathOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, key: Buffer.from(pathOf(item), 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map(({ item }) => item);
}
