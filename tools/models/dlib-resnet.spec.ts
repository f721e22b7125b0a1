import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertCatalogModel } from './catalog-conversion.ts';
import { buildDlibResnet } from './dlib-resnet.ts';
import { MODELS } from './model-catalog.ts';
import { manifestFileOf } from '../../app/main/onnx/model-manifest.ts';
import { createManifest, serialiseManifest } from './model-manifest.ts';
import { encodeModelProto } from '../../app/main/onnx/onnx-builder.ts';
import { MODELS_DIR, SHARED_FACES_DIR } from './paths.ts';
import { normaliseInput, sampleImage, SAMPLE_FACE } from './sample-input.ts';
import { readSourceModel, sha256 } from './source-model.ts';
import { useWasmBackend } from './tfjs-reference.ts';
import { decodeWeights } from './tfjs-weights.ts';

const DLIB = MODELS.find((model) => model.id === 'dlib');
const SIZE = 150;

/** Real faces from ../shared/faces, one per collection, framed like a dlib chip (the face fills it). */
const FACES = [SAMPLE_FACE, 'orl/s7/3.png', 'yale/yaleB02/yaleB02_P00A+000E+00.png'];

interface FaceApiNet {
  loadFromDisk(dir: string): Promise<void>;
  computeFaceDescriptor(input: tf.Tensor3D): Promise<Float32Array>;
}

/** face-api's own FaceRecognitionNet (its network code and weights), on tfjs' wasm backend. */
async function faceApiRecognitionNet(): Promise<FaceApiNet> {
  const require = createRequire(import.meta.url);
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as { nets: { faceRecognitionNet: FaceApiNet } };
  const net = faceapi.nets.faceRecognitionNet;
  await net.loadFromDisk(join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
  return net;
}

async function facePixels(file: string): Promise<Float32Array> {
  const path = join(SHARED_FACES_DIR, file);
  const { data, info } = await sharp(path)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(SIZE, SIZE, { fit: 'cover' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file} decoded to ${info.channels} channels`);
  return Float32Array.from(data);
}

beforeAll(async () => {
  await useWasmBackend();
});

describe('dlib face-recognition ResNet (described network, weights-only source)', () => {
  it('matches face-api on tfjs-wasm within 1e-3 on real faces (batch of four)', async () => {
    if (!DLIB) throw new Error('dlib is missing from the catalog');
    const first = await sampleImage(SIZE, SIZE);
    if (!first.real) {
      if (process.env.CI) throw new Error(`real faces missing: ${first.source}`);
      console.warn(`SKIPPED dlib parity: ${first.source}`);
      return;
    }
    const images = [...(await Promise.all(FACES.map(facePixels))), (await sampleImage(SIZE, SIZE, true)).pixels];
    const bytes = encodeModelProto(convertCatalogModel(DLIB, await readSourceModel(DLIB)));
    const input = new Float32Array(images.length * SIZE * SIZE * 3);
    images.forEach((pixels, i) => input.set(normaliseInput(pixels, DLIB.input), i * SIZE * SIZE * 3));
    const session = await ort.InferenceSession.create(bytes);
    const onnx = (await session.run({ input: new ort.Tensor('float32', input, [images.length, SIZE, SIZE, 3]) })).descriptor
      .data as Float32Array;
    await session.release();

    const net = await faceApiRecognitionNet();
    let maxAbs = 0;
    let minNorm = Infinity;
    for (const [i, pixels] of images.entries()) {
      const tensor = tf.tensor3d(pixels, [SIZE, SIZE, 3], 'float32');
      const reference = await net.computeFaceDescriptor(tensor);
      tensor.dispose();
      expect(reference.length).toBe(128);
      let norm = 0;
      for (let k = 0; k < 128; k++) {
        maxAbs = Math.max(maxAbs, Math.abs(onnx[i * 128 + k] - reference[k]));
        norm += reference[k] ** 2;
      }
      minNorm = Math.min(minNorm, Math.sqrt(norm));
    }
    console.log(
      `[models] parity dlib (batch ${images.length}, real faces): max |onnx − face-api| ${maxAbs.toExponential(2)}, descriptor norms ≥ ${minNorm.toFixed(3)}`,
    );
    // Descriptors of real faces have norms above 1 (128 values), so 1e-3 absolute is a tight bound, not a trivial one.
    expect(minNorm).toBeGreaterThan(0.5);
    expect(maxAbs).toBeLessThanOrEqual(1e-3);
  });

  it('converts deterministically and matches the committed manifest', async () => {
    if (!DLIB) throw new Error('dlib is missing from the catalog');
    const source = await readSourceModel(DLIB);
    const proto = convertCatalogModel(DLIB, source);
    const bytes = encodeModelProto(proto);
    expect(sha256(encodeModelProto(convertCatalogModel(DLIB, source)))).toBe(sha256(bytes));
    const committed = await readFile(join(MODELS_DIR, manifestFileOf('dlib')), 'utf8');
    expect(serialiseManifest(createManifest(DLIB, source, proto, sha256(bytes)))).toBe(committed);
    // 29 convolutions as dlib describes the network: the 7×7 stem plus two per residual block (14 blocks).
    expect((proto.graph?.node ?? []).filter((node) => node.opType === 'Conv')).toHaveLength(29);
  });

  it('names a missing weight instead of building a broken graph', async () => {
    if (!DLIB) throw new Error('dlib is missing from the catalog');
    const source = await readSourceModel(DLIB);
    if (source.files.format !== 'tfjs-weights') throw new Error('dlib should come from a weights-only file');
    const weights = decodeWeights(
      source.files.manifest.flatMap((group) => group.weights),
      source.files.weightData,
    );
    weights.delete('conv128_1/conv2/scale/weights');
    expect(() => buildDlibResnet(weights, { graphName: 'dlib', inputName: 'input', outputName: 'descriptor' })).toThrow(
      'dlib ResNet: weight "conv128_1/conv2/scale/weights" is missing from the weights manifest',
    );
  });
});
