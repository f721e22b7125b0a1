/**
 * ResizeBilinear → Resize(linear). TF's two flags select the coordinate
 * mapping: align_corners → "align_corners", half_pixel_centers → "half_pixel",
 * neither → "asymmetric" (TF's legacy out·in/out mapping).
 */
import { nodeLabel, type ConversionContext } from '../conversion-context.ts';
import type { TfjsNode } from '../tfjs-graph.ts';

export function resizeBilinear(node: TfjsNode, ctx: ConversionContext): void {
  const x = ctx.runtimeInput(node, 0, 4);
  const [height, width] = ctx.constantInts(node, 1, 'size');
  const alignCorners = node.bool('align_corners', false);
  const halfPixel = node.bool('half_pixel_centers', false);
  if (alignCorners && halfPixel) throw new Error(`${nodeLabel(node)} sets both align_corners and half_pixel_centers`);
  const [n, , , c] = x.shape;
  const input = ctx.inLayout(x, 'nchw');
  // Sizes rather than scales: scale·size can round below the integer size TF asks for.
  const sizes =
    n === -1
      ? ctx.builder.addNode(
          'Concat',
          [
            ctx.builder.addNode('Shape', [input], `${node.name}/batch_channels`, { start: { i: 0 }, end: { i: 2 } }),
            ctx.int64Initializer(`${node.name}/size`, [height, width]),
          ],
          `${node.name}/sizes`,
          { axis: { i: 0 } },
        )
      : ctx.int64Initializer(`${node.name}/sizes`, [n, c, height, width]);
  const output = ctx.builder.addNode('Resize', [input, '', '', sizes], node.name, {
    mode: { s: 'linear' },
    coordinate_transformation_mode: { s: alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric' },
  });
  ctx.defineTensor(node, output, [n, height, width, c], 'nchw');
}
