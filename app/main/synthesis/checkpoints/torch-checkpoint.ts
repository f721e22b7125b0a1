import { readFile } from 'node:fs/promises';
import yauzl from 'yauzl';
import { CheckpointTensor, ELEMENT_SIZE, STORAGE_TYPES, type CheckpointStorage, type StorageDtype } from './checkpoint-tensor.ts';
import { madeBy, PickleRefused, readPickle, type DataConstructor } from './restricted-unpickler.ts';

/**
 * Reads PyTorch checkpoints without Python and without running anything they name: `torch.save`
 * zip archives, legacy (pre-1.6) torch files, and plain pickles such as NVIDIA's network snapshots.
 * What comes back is data only: Maps for dicts, arrays for lists and tuples, CheckpointTensor for
 * tensors and PersistentRecord for NVIDIA's persistent modules.
 */

/** An NVIDIA `torch_utils.persistence` object: the class name and its `__dict__`; its source is never run. */
export interface PersistentRecord {
  readonly kind: 'persistent';
  readonly className: string;
  readonly state: Map<unknown, unknown>;
}

/** A NumPy array, read as data. */
export interface NdArray {
  readonly kind: 'ndarray';
  shape: number[];
  dtype: string;
  data: Uint8Array;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const MAX_ZIP_BYTES = 4 * 2 ** 30;

export async function readTorchCheckpoint(path: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError(`${path}: cannot read the checkpoint: ${(error as Error).message}`);
  }
  try {
    if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return await readZipCheckpoint(path);
    if (bytes[0] !== 0x80)
      throw new CheckpointError(`${path}: not a PyTorch checkpoint or pickle (it starts with neither a zip nor a pickle header)`);
    return readPickleStream(bytes, path);
  } catch (error) {
    if (error instanceof PickleRefused || error instanceof CheckpointError) throw error;
    throw new CheckpointError(`${path}: ${(error as Error).message}`);
  }
}

/** A pickle file: a legacy torch file when it opens with torch's magic number, otherwise one plain pickle. */
function readPickleStream(bytes: Uint8Array, source: string): unknown {
  // torch writes the magic number as the first pickle: PROTO 2, LONG1 of 10 bytes, STOP.
  if (bytes[0] === 0x80 && bytes[2] === 0x8a && bytes[3] === 0x0a && bytes[14] === 0x2e) {
    const first = readPickle(bytes, 0, { source, resolveGlobal: refuseAll(source) });
    if (first.value === LEGACY_MAGIC) return readLegacyTorch(bytes, first.end, source);
  }
  return readPickle(bytes, 0, { source, resolveGlobal: allowedGlobals(source) }).value;
}

/**
 * Legacy torch.save: magic, protocol, sys_info, the object (storages as persistent ids), the list
 * of storage keys, then each storage's bytes (an int64 element count, then the elements).
 */
function readLegacyTorch(bytes: Uint8Array, start: number, source: string): unknown {
  const plain = { source, resolveGlobal: refuseAll(source) };
  const protocol = readPickle(bytes, start, plain);
  if (protocol.value !== 1001) throw new CheckpointError(`${source}: unsupported legacy torch protocol ${String(protocol.value)}`);
  const sysInfo = readPickle(bytes, protocol.end, plain);
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
    throw new CheckpointError(`${source}: saved on a big-endian machine; re-save it on a little-endian one`);
  }
  const storages = new Map<string, CheckpointStorage>();
  const main = readPickle(bytes, sysInfo.end, {
    source,
    resolveGlobal: allowedGlobals(source),
    persistentLoad: (pid) => {
      const [kind, type, key, , , view] = expectTuple(pid, source);
      if (kind !== 'storage') throw new CheckpointError(`${source}: unknown persistent id "${String(kind)}"`);
      const dtype = storageDtype(type, source);
      const id = String(key);
      let storage = storages.get(id);
      if (!storage) {
        storage = { kind: 'storage', dtype, bytes: new Uint8Array(0) };
        storages.set(id, storage);
      }
      if (view !== null && view !== undefined)
        throw new CheckpointError(`${source}: storage views (torch < 0.4) are not supported; re-save the checkpoint`);
      return storage;
    },
  });
  const keys = readPickle(bytes, main.end, plain);
  if (!Array.isArray(keys.value)) throw new CheckpointError(`${source}: legacy storage key list is missing`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keys.end;
  for (const key of keys.value) {
    const storage = storages.get(String(key));
    if (!storage) throw new CheckpointError(`${source}: storage "${String(key)}" is listed but never used`);
    if (pos + 8 > bytes.length) throw new CheckpointError(`${source}: truncated: storage "${String(key)}" is missing`);
    const count = Number(view.getBigInt64(pos, true));
    const length = count * ELEMENT_SIZE[storage.dtype];
    pos += 8;
    if (count < 0 || pos + length > bytes.length)
      throw new CheckpointError(`${source}: truncated: storage "${String(key)}" needs ${length} bytes`);
    storage.bytes = bytes.subarray(pos, pos + length);
    pos += length;
  }
  return main.value;
}

async function readZipCheckpoint(path: string): Promise<unknown> {
  const entries = await readZipEntries(path);
  const pickleName = [...entries.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (!pickleName) throw new CheckpointError(`${path}: a zip file without <name>/data.pkl is not a torch checkpoint`);
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const byteorder = entries.get(`${prefix}byteorder`);
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little') {
    throw new CheckpointError(`${path}: saved with big-endian byte order; re-save it on a little-endian machine`);
  }
  const storages = new Map<string, CheckpointStorage>();
  return readPickle(entries.get(pickleName)!, 0, {
    source: path,
    resolveGlobal: allowedGlobals(path),
    persistentLoad: (pid) => {
      const [kind, type, key] = expectTuple(pid, path);
      if (kind !== 'storage') throw new CheckpointError(`${path}: unknown persistent id "${String(kind)}"`);
      const id = String(key);
      const found = storages.get(id);
      if (found) return found;
      const bytes = entries.get(`${prefix}data/${id}`);
      if (!bytes) throw new CheckpointError(`${path}: storage data/${id} is missing from the archive`);
      const dtype = storageDtype(type, path);
      if (bytes.length % ELEMENT_SIZE[dtype] !== 0)
        throw new CheckpointError(`${path}: storage data/${id} is not a whole number of ${dtype} values`);
      const storage: CheckpointStorage = { kind: 'storage', dtype, bytes };
      storages.set(id, storage);
      return storage;
    },
  }).value;
}

function readZipEntries(path: string): Promise<Map<string, Uint8Array>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, strictFileNames: true }, (error, zip) => {
      if (error || !zip) return reject(new CheckpointError(`${path}: not a readable zip archive: ${error?.message ?? 'unknown error'}`));
      const entries = new Map<string, Uint8Array>();
      zip.on('error', (e: Error) => reject(new CheckpointError(`${path}: ${e.message}`)));
      zip.on('end', () => resolve(entries));
      let total = 0;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        // Torch stores entries uncompressed; a compressed archive that inflates far past any
        // generator (1024 px config-f with D and optimizer state is ~1 GB) is refused, not read.
        total += entry.uncompressedSize;
        if (total > MAX_ZIP_BYTES) {
          zip.close();
          return reject(
            new CheckpointError(`${path}: the archive inflates to more than ${MAX_ZIP_BYTES / 2 ** 30} GiB; refusing to read it`),
          );
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(new CheckpointError(`${path}: ${entry.fileName}: ${streamError?.message}`));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', (e) => reject(new CheckpointError(`${path}: ${entry.fileName}: ${e.message}`)));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function expectTuple(value: unknown, source: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new CheckpointError(`${source}: malformed persistent id`);
  return value;
}

function storageDtype(type: unknown, source: string): StorageDtype {
  const name = (type as { storageType?: string } | null)?.storageType;
  const dtype = name ? STORAGE_TYPES[name] : undefined;
  if (!dtype) throw new CheckpointError(`${source}: unsupported storage type ${name ?? String(type)}`);
  return dtype;
}

function refuseAll(source: string): (module: string, name: string) => DataConstructor {
  return (module, name) => {
    throw refusal(source, `${module}.${name}`);
  };
}

function refusal(source: string, global: string): PickleRefused {
  return new PickleRefused(
    `${source}: refused: the file names the Python global "${global}", which is not a tensor or plain container. ` +
      'Checkpoints are read as data only, so nothing in this file was loaded or run.',
    global,
  );
}

function constructor(global: string, construct: DataConstructor['construct'], build?: DataConstructor['build']): DataConstructor {
  const self: DataConstructor = {
    kind: 'constructor',
    global,
    construct: (args) => madeBy(construct(args), self),
    ...(build ? { build } : {}),
  };
  return self;
}

function asNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new CheckpointError(`${what} is not a number`);
  return value;
}

function asNumbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new CheckpointError(`${what} is not a tuple`);
  return value.map((v) => asNumber(v, what));
}

function rebuildTensor(global: string): DataConstructor {
  return constructor(global, ([storage, offset, size, stride]) => {
    if ((storage as CheckpointStorage | null)?.kind !== 'storage') throw new CheckpointError(`${global}: first argument is not a storage`);
    return new CheckpointTensor(
      storage as CheckpointStorage,
      asNumber(offset, 'storage offset'),
      asNumbers(size, 'tensor size'),
      asNumbers(stride, 'tensor stride'),
    );
  });
}

const NUMPY_DTYPES: Readonly<Record<string, string>> = {
  f4: 'float32',
  f8: 'float64',
  f2: 'float16',
  i8: 'int64',
  i4: 'int32',
  u1: 'uint8',
  i1: 'int8',
  b1: 'bool',
};

interface NumpyDtype {
  readonly kind: 'dtype';
  name: string;
  littleEndian: boolean;
}

function numpyDtype(args: readonly unknown[]): NumpyDtype {
  const code = String(args[0]).replace(/^[<>|=]/, '');
  const name = NUMPY_DTYPES[code] ?? code;
  return { kind: 'dtype', name, littleEndian: true };
}

/** NumPy scalar (e.g. a float64 gain in an NVIDIA module's `__dict__`) from its dtype and raw bytes. */
function numpyScalar(args: readonly unknown[]): unknown {
  const [dtype, raw] = args as [NumpyDtype, Uint8Array | string];
  const bytes = typeof raw === 'string' ? Uint8Array.from(raw, (c) => c.charCodeAt(0)) : raw;
  if (dtype?.kind !== 'dtype' || !(bytes instanceof Uint8Array)) throw new CheckpointError('numpy scalar: malformed');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dtype.littleEndian;
  switch (dtype.name) {
    case 'float64':
      return view.getFloat64(0, le);
    case 'float32':
      return view.getFloat32(0, le);
    case 'int64':
      return Number(view.getBigInt64(0, le));
    case 'int32':
      return view.getInt32(0, le);
    case 'bool':
      return view.getUint8(0) !== 0;
    default:
      throw new CheckpointError(`numpy scalar of dtype ${dtype.name} is not supported`);
  }
}

/**
 * The allow-list: each global a checkpoint may name, and the data it stands for. Anything else
 * refuses the whole file, naming the global.
 */
function allowedGlobals(source: string): (module: string, name: string) => DataConstructor {
  const table = new Map<string, DataConstructor>();
  const add = (c: DataConstructor): void => void table.set(c.global, c);
  add(rebuildTensor('torch._utils._rebuild_tensor_v2'));
  add(rebuildTensor('torch._utils._rebuild_tensor'));
  for (const name of ['torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state']) {
    add(constructor(name, ([data]) => data));
  }
  for (const storageType of Object.keys(STORAGE_TYPES)) {
    const token = constructor(`torch.${storageType}`, () => {
      throw new CheckpointError(`${source}: torch.${storageType} is only valid as a storage type`);
    });
    table.set(token.global, Object.assign(token, { storageType }));
  }
  // NVIDIA's pickles hold each storage as a nested legacy torch file (TypedStorage.__reduce__).
  add(
    constructor('torch.storage._load_from_bytes', ([bytes]) => {
      if (!(bytes instanceof Uint8Array)) throw new CheckpointError(`${source}: _load_from_bytes without bytes`);
      const storage = readPickleStream(bytes, `${source} (embedded storage)`);
      if ((storage as CheckpointStorage | null)?.kind !== 'storage')
        throw new CheckpointError(`${source}: embedded storage is not a storage`);
      return storage;
    }),
  );
  add(constructor('torch.device', ([name]) => String(name)));
  add(constructor('torch.Size', ([dims]) => dims));
  for (const name of ['collections.OrderedDict', 'builtins.dict', 'dnnlib.util.EasyDict', 'dnnlib.EasyDict']) {
    add(
      constructor(
        name,
        (args) => {
          const items = args[0];
          const map = new Map<unknown, unknown>();
          if (Array.isArray(items)) for (const pair of items) if (Array.isArray(pair) && pair.length === 2) map.set(pair[0], pair[1]);
          return map;
        },
        // Instance attributes (a state dict's `_metadata` of module versions) carry nothing the import needs.
        (map) => map,
      ),
    );
  }
  for (const name of ['builtins.set', 'builtins.frozenset'])
    add(constructor(name, ([items]) => new Set(Array.isArray(items) ? items : [])));
  add(
    constructor('torch_utils.persistence._reconstruct_persistent_obj', ([meta]): PersistentRecord => {
      if (!(meta instanceof Map) || meta.get('type') !== 'class' || !(meta.get('state') instanceof Map)) {
        throw new CheckpointError(`${source}: malformed torch_utils.persistence record`);
      }
      return { kind: 'persistent', className: String(meta.get('class_name')), state: meta.get('state') as Map<unknown, unknown> };
    }),
  );
  add(
    constructor('_codecs.encode', ([text, encoding]) => {
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1'))
        throw new CheckpointError(`${source}: _codecs.encode only decodes latin1 text`);
      return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    }),
  );
  for (const numpy of ['numpy.core.multiarray', 'numpy._core.multiarray']) {
    add(constructor(`${numpy}.scalar`, numpyScalar));
    add(
      constructor(
        `${numpy}._reconstruct`,
        (): NdArray => ({ kind: 'ndarray', shape: [], dtype: 'float32', data: new Uint8Array(0) }),
        (array, state) => {
          const [, shape, dtype, , raw] = state as [unknown, unknown, NumpyDtype, boolean, Uint8Array | string];
          const target = array as NdArray;
          target.shape = asNumbers(shape, 'ndarray shape');
          target.dtype = dtype?.name ?? 'float32';
          target.data = typeof raw === 'string' ? Uint8Array.from(raw, (c) => c.charCodeAt(0) & 0xff) : raw;
          if (!(target.data instanceof Uint8Array)) throw new CheckpointError(`${source}: ndarray holds Python objects`);
          return target;
        },
      ),
    );
  }
  add(constructor('numpy.ndarray', () => 'numpy.ndarray'));
  add(
    constructor('numpy.dtype', numpyDtype, (dtype, state) => {
      const order = Array.isArray(state) ? state[1] : '<';
      (dtype as NumpyDtype).littleEndian = order !== '>';
      return dtype;
    }),
  );
  return (module, name) => {
    const found = table.get(`${module}.${name}`);
    if (!found) throw refusal(source, `${module}.${name}`);
    return found;
  };
}
