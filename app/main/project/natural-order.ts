/**
 * A key whose plain (BINARY) order is natural order: "s3" < "s10", "2.png" < "10.png". Each run of
 * digits becomes its length (3 digits) then the digits without leading zeros, so numbers compare by
 * value; the original string follows a separator so equal keys still sort in one fixed order.
 * Stored beside names and paths so SQLite sorts by an index, never by a function per query.
 */
export function naturalKey(text: string): string {
  const numbered = text.toLowerCase().replace(/\d+/g, (digits) => {
    const value = digits.replace(/^0+(?=\d)/, '');
    return `0${String(value.length).padStart(3, '0')}${value}`;
  });
  return `${numbered}\u0000${text}`;
}
