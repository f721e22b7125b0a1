/**
 * How a face's 468-point mesh is stored in the project database. FaceMesh meshes are one shape
 * placed and bent a little, so the blob holds where the canonical mesh (canonical-face-mesh.ts) sits
 * on this face — a 3-D affine map, 12 float32 — and each point's offset from there, quantised: x, y
 * to 1/2048 of the face's x, y extent, so off by at most 1/4096 of it (0.025 px on LFW's 100-px
 * faces, 0.25 px on a 1,000-px one; FaceMesh itself sees the face on a 192-px grid), depth at twice
 * that step. Offsets vary smoothly over the face, so each is coded as the difference from a nearby
 * point's, in a Golomb-Rice code with one parameter per axis: about 0.82 kB a face, against 2.1 kB
 * for v1 and 5.6 kB as float32. At this step identity scores through the dlib chip the mesh places
 * move by under 1e-4 (vision/face-media.spec.ts); at twice it, they did not.
 *
 * v2: "LM" 0x02 log2(levels) | x, y step (float32) | affine 3 × 4 (float32) | Rice k for x, y, z |
 *     bits, big-endian order. Blobs written by migration 21 and by analysis from then on.
 * v1 (kept for meshes of another length or a degenerate extent): "LM" 0x01 bits | min x,y,z | extent
 *     x,y,z (float32) | 12-bit values, big-endian bit order. Bare little-endian float32 blobs of
 *     older projects still decode.
 */
import { CANONICAL_MESH, CODING_ORDER, CODING_PARENT } from './canonical-face-mesh.ts';
import { fitMeshAffine, MESH_POINTS } from './mesh-affine.ts';

const MAGIC_0 = 0x4c;
const MAGIC_1 = 0x4d;
const VERSION = 1;
const BITS = 12;
const HEADER = 4 + 24;
const PREDICTED = 2;
/** x, y are quantised to 1/2^11 of the face's x, y extent; depth, which no 2-D alignment reads, at twice that step. */
const LEVELS_LOG2 = 11;
const DEPTH_STEP = 2;
const PREDICTED_HEADER = 4 + 4 + 48 + 3;
const MAX_RICE = 24;

export function encodeLandmarks(values: Float32Array): Buffer {
  if (values.length % 3 !== 0) throw new Error(`landmarks hold x, y, z triples, got ${values.length} values`);
  return encodePredicted(values) ?? encodeBitPacked(values);
}

/** The largest error a decoded coordinate of this mesh may have, per axis (x, y, z): half the quantisation step. */
export function landmarkTolerance(values: Float32Array): readonly [number, number, number] {
  if (values.length !== MESH_POINTS * 3) return [0, 0, 0];
  const half = extentXY(values) / 2 ** (LEVELS_LOG2 + 1);
  return [half, half, half * DEPTH_STEP];
}

function extentXY(values: Float32Array): number {
  let extent = 0;
  for (let axis = 0; axis < 2; axis++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = axis; i < values.length; i += 3) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    extent = Math.max(extent, hi - lo);
  }
  return extent;
}

function encodePredicted(values: Float32Array): Buffer | null {
  const extent = extentXY(values);
  if (values.length !== MESH_POINTS * 3 || !Number.isFinite(extent) || extent <= 0 || values.some((v) => !Number.isFinite(v))) return null;
  const header = Buffer.alloc(PREDICTED_HEADER);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header[2] = PREDICTED;
  header[3] = LEVELS_LOG2;
  header.writeFloatLE(extent / 2 ** LEVELS_LOG2, 4);
  fitMeshAffine(CANONICAL_MESH, values).forEach((v, i) => header.writeFloatLE(v, 8 + i * 4));
  // Residuals against the float32 header values, which are what decoding will use.
  const { steps, affine } = predictedHeader(header);
  const residual = new Int32Array(MESH_POINTS * 3);
  for (let p = 0; p < MESH_POINTS; p++)
    for (let axis = 0; axis < 3; axis++)
      residual[p * 3 + axis] = Math.round((values[p * 3 + axis] - predict(affine, p, axis)) / steps[axis]);
  const bits = new BitWriter();
  for (let axis = 0; axis < 3; axis++) {
    const zigzags = CODING_ORDER.map((p) => {
      const parent = CODING_PARENT[p];
      const delta = residual[p * 3 + axis] - (parent < 0 ? 0 : residual[parent * 3 + axis]);
      return delta >= 0 ? 2 * delta : -2 * delta - 1;
    });
    const k = bestRiceParameter(zigzags);
    header[PREDICTED_HEADER - 3 + axis] = k;
    for (const z of zigzags) bits.rice(z, k);
  }
  return Buffer.concat([header, bits.bytes()]);
}

/**
 * The offsets are near-Laplacian, for which a Golomb-Rice code is within a few per cent of the
 * entropy and, unlike deflate, carries no code table in every 0.8-kB blob.
 */
function bestRiceParameter(values: readonly number[]): number {
  let best = { k: 0, bits: Infinity };
  for (let k = 0; k <= MAX_RICE; k++) {
    let bits = 0;
    for (const v of values) bits += Math.floor(v / 2 ** k) + 1 + k;
    if (bits < best.bits) best = { k, bits };
  }
  return best.k;
}

class BitWriter {
  readonly #bytes: number[] = [];
  #bit = 0;

  rice(value: number, k: number): void {
    for (let q = Math.floor(value / 2 ** k); q > 0; q--) this.#push(1);
    this.#push(0);
    for (let b = k - 1; b >= 0; b--) this.#push(Math.floor(value / 2 ** b) % 2);
  }

  bytes(): Buffer {
    return Buffer.from(this.#bytes);
  }

  #push(bit: number): void {
    if (this.#bit % 8 === 0) this.#bytes.push(0);
    if (bit) this.#bytes[this.#bytes.length - 1] |= 0x80 >> (this.#bit % 8);
    this.#bit += 1;
  }
}

function predictedHeader(buffer: Buffer): { steps: readonly number[]; affine: number[] } {
  const step = buffer.readFloatLE(4);
  return { steps: [step, step, step * DEPTH_STEP], affine: Array.from({ length: 12 }, (_, i) => buffer.readFloatLE(8 + i * 4)) };
}

/** Where the canonical mesh's point `p` lands on this face, on one axis. */
function predict(affine: readonly number[], p: number, axis: number): number {
  const row = axis * 4;
  return (
    affine[row] * CANONICAL_MESH[p * 3] +
    affine[row + 1] * CANONICAL_MESH[p * 3 + 1] +
    affine[row + 2] * CANONICAL_MESH[p * 3 + 2] +
    affine[row + 3]
  );
}

function decodePredicted(buffer: Buffer): Float32Array {
  const { steps, affine } = predictedHeader(buffer);
  const residual = new Int32Array(MESH_POINTS * 3);
  let bit = PREDICTED_HEADER * 8;
  const next = () => {
    if (bit >= buffer.length * 8) throw new Error('landmark blob ends early');
    const value = (buffer[bit >> 3] >> (7 - (bit & 7))) & 1;
    bit += 1;
    return value;
  };
  for (let axis = 0; axis < 3; axis++) {
    const k = buffer[PREDICTED_HEADER - 3 + axis];
    for (const p of CODING_ORDER) {
      let zigzag = 0;
      while (next() === 1) zigzag += 2 ** k;
      for (let b = k - 1; b >= 0; b--) zigzag += next() * 2 ** b;
      const delta = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
      const parent = CODING_PARENT[p];
      residual[p * 3 + axis] = delta + (parent < 0 ? 0 : residual[parent * 3 + axis]);
    }
  }
  return Float32Array.from({ length: MESH_POINTS * 3 }, (_, i) => predict(affine, Math.floor(i / 3), i % 3) + residual[i] * steps[i % 3]);
}

function encodeBitPacked(values: Float32Array): Buffer {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    min[i % 3] = Math.min(min[i % 3], values[i]);
    max[i % 3] = Math.max(max[i % 3], values[i]);
  }
  const extent = max.map((m, axis) => m - min[axis]);
  const out = Buffer.alloc(HEADER + Math.ceil((values.length * BITS) / 8));
  out[0] = MAGIC_0;
  out[1] = MAGIC_1;
  out[2] = VERSION;
  out[3] = BITS;
  for (let axis = 0; axis < 3; axis++) {
    out.writeFloatLE(min[axis], 4 + axis * 4);
    out.writeFloatLE(extent[axis], 16 + axis * 4);
  }
  // Quantise against the float32 header values, which are what decoding will use.
  const lo = [0, 1, 2].map((axis) => out.readFloatLE(4 + axis * 4));
  const span = [0, 1, 2].map((axis) => out.readFloatLE(16 + axis * 4));
  const top = (1 << BITS) - 1;
  let bit = HEADER * 8;
  for (let i = 0; i < values.length; i++) {
    const axis = i % 3;
    const q = span[axis] > 0 ? Math.min(top, Math.max(0, Math.round(((values[i] - lo[axis]) / span[axis]) * top))) : 0;
    for (let b = BITS - 1; b >= 0; b--, bit++) if ((q >> b) & 1) out[bit >> 3] |= 0x80 >> (bit & 7);
  }
  return out;
}

export function decodeLandmarks(blob: Uint8Array): Float32Array {
  const buffer = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (isPredicted(buffer)) return decodePredicted(buffer);
  if (!isPacked(buffer)) {
    // Copy: SQLite's buffer need not be 4-byte aligned.
    const copy = new Uint8Array(buffer.byteLength);
    copy.set(buffer);
    return new Float32Array(copy.buffer);
  }
  const bits = buffer[3];
  const count = Math.floor(((buffer.length - HEADER) * 8) / bits / 3) * 3;
  const lo = [0, 1, 2].map((axis) => buffer.readFloatLE(4 + axis * 4));
  const span = [0, 1, 2].map((axis) => buffer.readFloatLE(16 + axis * 4));
  const top = (1 << bits) - 1;
  const values = new Float32Array(count);
  let bit = HEADER * 8;
  for (let i = 0; i < count; i++) {
    let q = 0;
    for (let b = 0; b < bits; b++, bit++) q = (q << 1) | ((buffer[bit >> 3] >> (7 - (bit & 7))) & 1);
    const axis = i % 3;
    values[i] = lo[axis] + (q / top) * span[axis];
  }
  return values;
}

/** Whether a stored blob is already in the current (v2) format. */
export function isCompactLandmarks(blob: Uint8Array): boolean {
  return isPredicted(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
}

function isPredicted(buffer: Buffer): boolean {
  return (
    buffer.length > PREDICTED_HEADER &&
    buffer[0] === MAGIC_0 &&
    buffer[1] === MAGIC_1 &&
    buffer[2] === PREDICTED &&
    buffer[3] === LEVELS_LOG2
  );
}

/** A float32 blob would have to start with an x of about 1e-31 px to carry this header. */
function isPacked(buffer: Buffer): boolean {
  return (
    buffer.length >= HEADER && buffer[0] === MAGIC_0 && buffer[1] === MAGIC_1 && buffer[2] === VERSION && buffer[3] >= 8 && buffer[3] <= 16
  );
}
