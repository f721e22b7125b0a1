export interface CsvRecord {
  /** 1-based line the record starts on; a quoted field may carry it over several lines. */
  readonly line: number;
  readonly fields: string[];
  /** Why the record is malformed, or null. Malformed records are still returned, so each can be reported. */
  readonly problem: string | null;
}

const FIELD_END = /[,\r\n]/g;

/**
 * RFC 4180: comma separated, double-quoted fields may hold commas, newlines and doubled quotes;
 * CRLF, LF or CR line ends; a UTF-8 byte order mark is dropped.
 */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let at = 0;
  let line = 1;
  while (at < text.length) {
    const start = line;
    const fields: string[] = [];
    let problem: string | null = null;
    for (;;) {
      let value: string;
      if (text[at] === '"') {
        const quoted = readQuoted(text, at + 1);
        line += quoted.newlines;
        at = quoted.end;
        value = quoted.value;
        if (quoted.unclosed) problem ??= 'a quoted field is never closed';
        const end = fieldEnd(text, at);
        if (end > at) {
          problem ??= 'text follows a closing quote';
          value += text.slice(at, end);
          at = end;
        }
      } else {
        const end = fieldEnd(text, at);
        value = text.slice(at, end);
        at = end;
      }
      fields.push(value);
      if (text[at] === ',') {
        at += 1;
        continue;
      }
      if (at < text.length) {
        at += text[at] === '\r' && text[at + 1] === '\n' ? 2 : 1;
        line += 1;
      }
      break;
    }
    records.push({ line: start, fields, problem });
  }
  return records;
}

function readQuoted(text: string, from: number): { value: string; end: number; newlines: number; unclosed: boolean } {
  let value = '';
  let at = from;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) {
      value += text.slice(at);
      return { value, end: text.length, newlines: countNewlines(value), unclosed: true };
    }
    value += text.slice(at, quote);
    if (text[quote + 1] === '"') {
      value += '"';
      at = quote + 2;
    } else {
      return { value, end: quote + 1, newlines: countNewlines(value), unclosed: false };
    }
  }
}

function fieldEnd(text: string, from: number): number {
  FIELD_END.lastIndex = from;
  return FIELD_END.exec(text)?.index ?? text.length;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) count += 1;
  }
  return count;
}
