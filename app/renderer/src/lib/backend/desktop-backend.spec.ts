import { get } from 'svelte/store';
import { describe, expect, it, vi } from 'vitest';
import { DesktopBackend } from './desktop-backend.ts';
import type { LikenessBridge } from './preload-bridge.d.ts';
import { selectBackend } from './select-backend.ts';
import { WebBackend } from './web-backend.ts';

function bridge(): LikenessBridge & { emit(event: string, payload: unknown): void } {
  const handlers = new Set<(event: string, payload: unknown) => void>();
  return {
    call: vi.fn(async () => ({ ok: true, output: { closed: true } })),
    onEvent: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    emit: (event, payload) => handlers.forEach((handler) => handler(event, payload)),
  };
}

describe('DesktopBackend', () => {
  it('calls through the preload bridge and checks the reply', async () => {
    const fake = bridge();
    const desktop = new DesktopBackend(fake);
    await expect(desktop.client.call('project.close', {})).resolves.toEqual({ closed: true });
    expect(fake.call).toHaveBeenCalledWith('project.close', {});
    expect(get(desktop.connection).status).toBe('open');
  });

  it('delivers bridge events until disposed', () => {
    const fake = bridge();
    const desktop = new DesktopBackend(fake);
    const seen = vi.fn();
    desktop.client.on('dataset.changed', seen);
    fake.emit('dataset.changed', { images: 3, identities: 1 });
    desktop.dispose();
    fake.emit('dataset.changed', { images: 4, identities: 1 });
    expect(seen).toHaveBeenCalledOnce();
  });

  it('serves media from the custom protocol', () => {
    expect(new DesktopBackend(bridge()).mediaUrl('thumbs/abc.webp')).toBe('likeness-media://media/thumbs/abc.webp');
  });
});

describe('selectBackend', () => {
  it('picks desktop when the preload bridge exists, web otherwise', () => {
    expect(selectBackend({ likeness: bridge() } as unknown as Window)).toBeInstanceOf(DesktopBackend);
    const web = selectBackend({} as Window);
    expect(web).toBeInstanceOf(WebBackend);
    web.dispose();
  });
});
