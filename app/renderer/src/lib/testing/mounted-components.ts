import { flushSync, mount, unmount, type Component } from 'svelte';
import { afterEach } from 'vitest';

/**
 * For a spec file that mounts components: returns `render`, which mounts one into a fresh element
 * of the page and returns that element, and registers a hook that unmounts them all and empties the
 * page after each test.
 */
export function mountedComponents(): <P extends Record<string, unknown>>(component: Component<P>, props: P) => HTMLElement {
  const mounted: ReturnType<typeof mount>[] = [];
  afterEach(() => {
    for (const component of mounted.splice(0)) unmount(component);
    document.body.innerHTML = '';
  });
  return (component, props) => {
    const target = document.createElement('div');
    document.body.append(target);
    mounted.push(mount(component, { target, props }));
    flushSync();
    return target;
  };
}
