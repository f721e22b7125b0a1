import { readFile } from 'node:fs/promises';

/**
 * A latent direction from an InterFaceGAN-style file: a NumPy `.npy` (float32 or float64, `[W]`,
 * `[1, W]` or `[layers, W]`, C order) or raw little-endian float32. Returns `[W]` or `[layers, W]`
 * float32, every value finite, or throws naming the file and what is wrong with it.
 */
export async function readDirectionFile(path: string, width: number, layers: number): Promise<Float32Array> {
  const bytes = await readFile(path).catch((error: Error) => {
    throw new Error(`${path}: cannot read the direction file: ${error.message}`);
  });
  const values = isNpy(bytes) ? readNpy(bytes, path) : readRawFloat32(bytes, path);
  if (values.length !== width && values.length !== layers * width) {
    throw new Error(`${path}: holds ${values.length} values; a direction is [${width}] or [${layers}, ${width}] for this generator`);
  }
  if (values.some((v) => !Number.isFinite(v))) throw new Error(`${path}: holds values that are not finite`);
  return values;
}

function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 10 && bytes[0] === 0x93 && new TextDecoder('latin1').decode(bytes.subarray(1, 6)) === 'NUMPY';
}

function readRawFloat32(bytes: Uint8Array, path: string): Float32Array {
  if (bytes.length % 4 !== 0) throw new Error(`${path}: not a .npy file, and its size is not a whole number of float32 values`);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function readNpy(bytes: Uint8Array, path: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shape === undefined) throw new Error(`${path}: malformed .npy header`);
  const dims = shape
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map(Number);
  if (fortran === 'True' && dims.filter((d) => d > 1).length > 1)
    throw new Error(`${path}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const count = dims.reduce((a, b) => a * b, 1);
  const data = start + headerLength;
  const size = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (size === 0) throw new Error(`${path}: dtype ${descr} is not supported; save as float32 or float64 (little-endian)`);
  if (data + count * size > bytes.length) throw new Error(`${path}: truncated .npy data`);
  return Float32Array.from({ length: count }, (_, i) =>
    size === 4 ? view.getFloat32(data + 4 * i, true) : view.getFloat64(data + 8 * i, true),
  );
}
