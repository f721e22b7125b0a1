/**
 * A pickle reader that never runs code. Python's `pickle` calls whatever callable a file names;
 * here every GLOBAL goes through `resolveGlobal`, which either returns a data constructor (a pure
 * function from already-read values to a value) or refuses the file. Objects are plain JS values:
 * numbers, bigints, strings, bytes, arrays (lists and tuples), Maps (dicts) and what the
 * constructors build.
 */

export class PickleRefused extends Error {
  constructor(
    message: string,
    /** The `module.name` that caused the refusal, when it is a global. */
    readonly global: string | null = null,
  ) {
    super(message);
    this.name = 'PickleRefused';
  }
}

/** A callable the pickle may invoke with REDUCE / NEWOBJ: builds a value from data, never executes. */
export interface DataConstructor {
  readonly kind: 'constructor';
  readonly global: string;
  construct(args: readonly unknown[]): unknown;
  /** BUILD on an object this constructor made (Python's __setstate__); absent: BUILD is refused. */
  build?(object: unknown, state: unknown): unknown;
}

export interface UnpickleOptions {
  readonly resolveGlobal: (module: string, name: string) => DataConstructor;
  /** Persistent ids (torch storages); absent: a file that uses them is refused. */
  readonly persistentLoad?: (pid: unknown) => unknown;
  /** Named in errors. */
  readonly source: string;
}

/** Python tuples: a frozen array, so a reader can tell them from lists where it matters. */
export type PickleTuple = readonly unknown[] & { readonly tuple: true };

function tuple(items: unknown[]): PickleTuple {
  return Object.assign(items, { tuple: true as const }) as PickleTuple;
}

export function isTuple(value: unknown): value is PickleTuple {
  return Array.isArray(value) && (value as { tuple?: boolean }).tuple === true;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  return readPickle(bytes, 0, options).value;
}

/** Reads one pickle starting at `start`; `end` is the byte after its STOP (the next pickle of a stream). */
export function readPickle(bytes: Uint8Array, start: number, options: UnpickleOptions): { value: unknown; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = start;

  const fail = (what: string): never => {
    throw new PickleRefused(`${options.source}: ${what} (at byte ${pos})`);
  };
  const need = (n: number): number => {
    if (n < 0 || pos + n > bytes.length) fail(`truncated pickle: ${n} bytes needed`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => view.getUint8(need(1));
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const at = need(8);
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail('length too large');
    return Number(value);
  };
  const take = (n: number): Uint8Array => {
    const at = need(n);
    return bytes.subarray(at, at + n);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated text line');
    const text = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const utf8 = (n: number): string => {
    const raw = take(n);
    try {
      return textDecoder.decode(raw);
    } catch {
      return fail('invalid UTF-8 string');
    }
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!)) fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const at = marks.pop();
    if (at === undefined) fail('no MARK on the stack');
    return stack.splice(at!);
  };
  const getMemo = (key: number): unknown => {
    if (!memo.has(key)) fail(`memo key ${key} is not set`);
    return memo.get(key);
  };
  const global = (module: string, name: string): DataConstructor => options.resolveGlobal(module, name);
  const call = (callable: unknown, args: unknown): unknown => {
    if (!isConstructor(callable)) return fail('REDUCE on something that is not an allowed constructor');
    if (!Array.isArray(args)) return fail(`${(callable as DataConstructor).global}: arguments are not a tuple`);
    return (callable as DataConstructor).construct(args);
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Map)) fail('SETITEM on something that is not a dict');
    if (items.length % 2 !== 0) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) (target as Map<unknown, unknown>).set(dictKey(items[i]), items[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[]): void => {
    if (target instanceof Set) items.forEach((item) => target.add(dictKey(item)));
    else if (Array.isArray(target) && !isTuple(target)) target.push(...items);
    else fail('APPEND on something that is not a list');
  };
  const persistent = (pid: unknown): unknown => {
    if (!options.persistentLoad) return fail('persistent ids are not expected in this pickle');
    return options.persistentLoad!(pid);
  };
  const signedLong = (raw: Uint8Array): number | bigint => {
    if (raw.length === 0) return 0;
    let value = 0n;
    for (let i = raw.length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(raw[i]!);
    if (raw[raw.length - 1]! & 0x80) value -= 1n << BigInt(8 * raw.length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol newer than 5');
        break;
      case 0x95: // FRAME: a length prefix only; the data follows inline
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`pickle ends with ${stack.length} values on the stack`);
        return { value: stack[0], end: pos };
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(tuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(tuple([pop(), b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const item = pop();
        appendItems(top(), [item]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const dict = new Map();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(new Set(popMark().map(dictKey)));
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(signedLong(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = view.getInt32(need(4), true);
        stack.push(signedLong(take(n)));
        break;
      }
      case 0x49: {
        // INT (text): also True/False as 01/00
        const text = line().trim();
        if (text === '01' || text === '00') stack.push(text === '01');
        else if (/^-?\d+$/.test(text)) stack.push(Number(text));
        else fail(`bad INT "${text}"`);
        break;
      }
      case 0x4c: {
        // LONG (text)
        const text = line().trim().replace(/L$/, '');
        if (!/^-?\d+$/.test(text)) fail(`bad LONG "${text}"`);
        const big = BigInt(text);
        stack.push(big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x46: {
        // FLOAT (text)
        const value = Number(line().trim());
        if (Number.isNaN(value)) fail('bad FLOAT');
        stack.push(value);
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(utf8(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(u64()));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text); only the escapes a writer emits
        stack.push(line().replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
        break;
      case 0x54: // BINSTRING (Python 2 str): read as latin-1 text
        stack.push(new TextDecoder('latin1').decode(take(view.getInt32(need(4), true))));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(new TextDecoder('latin1').decode(take(u8())));
        break;
      case 0x53: {
        // STRING (text, quoted)
        const text = line();
        const quoted = /^(['"])(.*)\1$/.exec(text);
        if (!quoted) fail('bad STRING');
        stack.push(quoted![2]);
        break;
      }
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT
        memo.set(Number(line()), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(getMemo(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(getMemo(u32()));
        break;
      case 0x67: // GET
        stack.push(getMemo(Number(line())));
        break;
      case 0x30: // POP
        if (stack.length > 0 && marks.length > 0 && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL without two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        stack.push(call(callable, args));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs); kwargs must be empty
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!(kwargs instanceof Map) || kwargs.size > 0) fail('NEWOBJ_EX with keyword arguments');
        stack.push(call(cls, args));
        break;
      }
      case 0x6f: {
        // OBJ: MARK cls args... OBJ
        const items = popMark();
        if (items.length === 0) fail('OBJ without a class');
        stack.push(call(items[0], tuple(items.slice(1))));
        break;
      }
      case 0x69: {
        // INST "module\nname\n": MARK args... INST
        const cls = global(line(), line());
        stack.push(call(cls, tuple(popMark())));
        break;
      }
      case 0x62: {
        // BUILD: obj.__setstate__(state)
        const state = pop();
        const object = top();
        const builder = builderOf(object);
        if (!builder?.build) {
          if (state === null) break;
          if (object instanceof Map && state instanceof Map && state.size === 0) break;
          fail(`BUILD (__setstate__) on ${builder ? builder.global : 'a plain value'} is not allowed`);
        }
        stack[stack.length - 1] = builder!.build!(object, state);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistent(pop()));
        break;
      case 0x50: // PERSID (text)
        stack.push(persistent(line()));
        break;
      case 0x82:
      case 0x83:
      case 0x84:
        fail('extension registry codes (EXT1/2/4) are not allowed');
        break;
      case 0x97:
      case 0x98:
        fail('out-of-band buffers are not allowed');
        break;
      default:
        fail(`unknown pickle opcode 0x${op.toString(16)}`);
    }
  }
}

const builders = new WeakMap<object, DataConstructor>();

/** Marks `value` as made by `by`, so a later BUILD can reach the constructor's `build`. */
export function madeBy<T>(value: T, by: DataConstructor): T {
  if (typeof value === 'object' && value !== null) builders.set(value, by);
  return value;
}

function builderOf(value: unknown): DataConstructor | undefined {
  return typeof value === 'object' && value !== null ? builders.get(value) : undefined;
}

function isConstructor(value: unknown): value is DataConstructor {
  return typeof value === 'object' && value !== null && (value as DataConstructor).kind === 'constructor';
}

/** Dict keys compare by value in Python: tuples and bytes become strings so a Map can hold them. */
function dictKey(key: unknown): unknown {
  if (Array.isArray(key)) return JSON.stringify(key);
  if (key instanceof Uint8Array) return new TextDecoder('latin1').decode(key);
  return key;
}
