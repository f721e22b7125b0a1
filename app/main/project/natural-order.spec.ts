import { describe, expect, it } from 'vitest';
import { naturalKey } from './natural-order.ts';

const sorted = (names: string[]) => [...names].sort((a, b) => (naturalKey(a) < naturalKey(b) ? -1 : naturalKey(a) > naturalKey(b) ? 1 : 0));

describe('naturalKey', () => {
  it('orders numbers by value, as the sidebar does', () => {
    expect(sorted(['s10', 's2', 's30', 's3', 's1'])).toEqual(['s1', 's2', 's3', 's10', 's30']);
    expect(sorted(['10.png', '1.png', '2.png'])).toEqual(['1.png', '2.png', '10.png']);
    expect(sorted(['s1/10.pgm', 's1/9.pgm', 's10/1.pgm', 's2/1.pgm'])).toEqual(['s1/9.pgm', 's1/10.pgm', 's2/1.pgm', 's10/1.pgm']);
  });

  it('ignores case and leading zeros for order, yet keeps distinct names distinct', () => {
    expect(sorted(['B', 'a', 'img007', 'img7', 'img08'])).toEqual(['a', 'B', 'img007', 'img7', 'img08']);
    expect(naturalKey('img007')).not.toBe(naturalKey('img7'));
  });
});
