/**
 * TensorFlow window padding rules (SAME / VALID / EXPLICIT) turned into the
 * explicit begin/end pads ONNX takes. TF's SAME puts the odd extra pixel at the
 * end, so the pads are computed from the static input size rather than left to
 * auto_pad.
 */

export type TfPadding = 'SAME' | 'VALID' | 'EXPLICIT';

export interface AxisWindow {
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
}

export interface AxisPadding {
  before: number;
  after: number;
  output: number;
}

export function parsePadding(value: string, where: string): TfPadding {
  if (value === 'SAME' || value === 'VALID' || value === 'EXPLICIT') return value;
  throw new Error(`${where}: unsupported padding "${value}"`);
}

/** Pads and output length of one spatial axis of a TF convolution or pooling window. */
export function axisPadding(padding: TfPadding, window: AxisWindow, explicit: [number, number] = [0, 0]): AxisPadding {
  const { size, kernel, stride, dilation } = window;
  const effectiveKernel = (kernel - 1) * dilation + 1;
  if (padding === 'SAME') {
    const output = Math.ceil(size / stride);
    const total = Math.max((output - 1) * stride + effectiveKernel - size, 0);
    const before = Math.floor(total / 2);
    return { before, after: total - before, output };
  }
  const [before, after] = padding === 'EXPLICIT' ? explicit : [0, 0];
  const output = Math.floor((size + before + after - effectiveKernel) / stride) + 1;
  if (output < 1) throw new Error(`window of ${kernel} (dilation ${dilation}) does not fit an axis of ${size}`);
  return { before, after, output };
}

export interface TransposedAxis {
  before: number;
  after: number;
  outputPadding: number;
}

/**
 * Conv2DBackpropInput is the gradient of a forward convolution that maps an
 * axis of `outputSize` to one of `inputSize`. ConvTranspose reproduces it when
 * it uses the forward pads and adds the rows the forward stride skipped at the
 * end as output_padding.
 */
export function transposedAxisPadding(
  padding: TfPadding,
  inputSize: number,
  outputSize: number,
  kernel: number,
  stride: number,
): TransposedAxis {
  const forward = axisPadding(padding, { size: outputSize, kernel, stride, dilation: 1 });
  if (forward.output !== inputSize) {
    throw new Error(`transposed convolution: an output of ${outputSize} maps back to ${forward.output}, not to the input's ${inputSize}`);
  }
  const outputPadding = (outputSize + forward.before + forward.after - kernel) % stride;
  return { before: forward.before, after: forward.after, outputPadding };
}
