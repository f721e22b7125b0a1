/** Reading the NHWC-ordered attributes (data_format, strides, ksize, dilations) of spatial tfjs ops. */
import { nodeLabel } from '../conversion-context.ts';
import type { TfjsNode } from '../tfjs-graph.ts';

export function assertNhwc(node: TfjsNode): void {
  const format = node.string('data_format', 'NHWC');
  if (format !== 'NHWC') throw new Error(`${nodeLabel(node)} uses data_format ${format}; only NHWC is supported`);
}

/** A [1, h, w, 1] attribute as [h, w]; batch or channel entries other than 1 are rejected. */
export function spatialAttribute(node: TfjsNode, key: string, fallback?: number[]): [number, number] {
  const values = node.ints(key, fallback);
  if (values.length !== 4 || values[0] !== 1 || values[3] !== 1) {
    throw new Error(`${nodeLabel(node)} has ${key} [${values.join(',')}]; only spatial values are supported`);
  }
  return [values[1], values[2]];
}
