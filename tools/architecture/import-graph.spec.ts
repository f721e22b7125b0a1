import { describe, expect, it } from 'vitest';
import { folderCycles, folderGraph, synthesisPartOf } from './import-graph.ts';

describe('the import graph', () => {
  const graph = folderGraph();

  it('has no cycles between capability folders, so each can be read, tested and moved on its own', () => {
    expect(folderCycles(graph).map((cycle) => [...cycle, cycle[0]].join(' → '))).toEqual([]);
  });

  it('layers the parts of synthesis (packs and math at the bottom, variants and the API on top) without cycles', () => {
    const parts = folderGraph(synthesisPartOf);
    expect(parts.size).toBeGreaterThanOrEqual(8);
    expect(folderCycles(parts).map((cycle) => [...cycle, cycle[0]].join(' → '))).toEqual([]);
  });

  it('keeps renderer helpers in lib/ independent of the views that use them', () => {
    const libToViews = [...graph].flatMap(([from, to]) =>
      from.startsWith('app/renderer/src/lib/')
        ? [...to].filter((t) => t.startsWith('app/renderer/src/views/')).map((t) => `${from} → ${t}`)
        : [],
    );
    expect(libToViews).toEqual([]);
  });

  it('lets no service folder import a host (host/, cli/, shell/)', () => {
    const hosts = ['app/main/host', 'app/main/cli', 'app/main/shell'];
    const serviceToHost = [...graph].flatMap(([from, to]) =>
      from.startsWith('app/main/') && !hosts.includes(from) ? [...to].filter((t) => hosts.includes(t)).map((t) => `${from} → ${t}`) : [],
    );
    expect(serviceToHost).toEqual([]);
  });
});
