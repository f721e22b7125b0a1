export type ZoomLayer = 'source' | 'variant' | 'difference';

export const zoomLayers: readonly ZoomLayer[] = ['source', 'variant', 'difference'];

/** Zoom steps: 0 fits the window, the rest are whole screen pixels per image pixel. */
const SCALES = [0, 1, 2, 4, 8, 16] as const;
const PAN_STEP = 40;

/**
 * The full-size view of one variant: which picture (source, variant or their difference — flipped
 * in place, so a change shows as a blink), how far it is magnified, and where it is panned to.
 */
export class ZoomView {
  open = $state(false);
  layer = $state<ZoomLayer>('variant');
  step = $state(2);
  x = $state(0);
  y = $state(0);

  get scale(): number {
    return SCALES[this.step];
  }

  show(): void {
    this.open = true;
    this.layer = 'variant';
    this.step = 2;
    this.x = 0;
    this.y = 0;
  }

  close(): void {
    this.open = false;
  }

  flip(layer?: ZoomLayer): void {
    this.layer = layer ?? zoomLayers[(zoomLayers.indexOf(this.layer) + 1) % zoomLayers.length];
  }

  zoom(delta: 1 | -1): void {
    const next = Math.min(SCALES.length - 1, Math.max(0, this.step + delta));
    if (next === this.step) return;
    // Keep the point under the centre where it is.
    const [from, to] = [SCALES[this.step] || 1, SCALES[next] || 1];
    this.x = (this.x * to) / from;
    this.y = (this.y * to) / from;
    this.step = next;
    if (next === 0) this.x = this.y = 0;
  }

  pan(dx: number, dy: number): void {
    if (this.scale === 0) return;
    this.x += dx;
    this.y += dy;
  }

  /** The zoom view's keys; returns whether the key was one of them. */
  key(key: string): boolean {
    switch (key) {
      case 'Escape':
      case 'Enter':
        this.close();
        return true;
      case '1':
        this.flip('source');
        return true;
      case '2':
        this.flip('variant');
        return true;
      case '3':
        this.flip('difference');
        return true;
      case 'Tab':
      case 'f':
        this.flip();
        return true;
      case '+':
      case '=':
        this.zoom(1);
        return true;
      case '-':
        this.zoom(-1);
        return true;
      case '0':
        this.step = 0;
        this.x = this.y = 0;
        return true;
      case 'ArrowLeft':
        this.pan(PAN_STEP, 0);
        return true;
      case 'ArrowRight':
        this.pan(-PAN_STEP, 0);
        return true;
      case 'ArrowUp':
        this.pan(0, PAN_STEP);
        return true;
      case 'ArrowDown':
        this.pan(0, -PAN_STEP);
        return true;
    }
    return false;
  }
}
