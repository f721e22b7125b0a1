/**
 * TEST FIXTURE — never shipped. A project with seeded variants behind the curation and export
 * handlers, called the way the router calls them (input parsed by the contract, output checked).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands, type EventName, type EventPayload, type Input, type Output } from '#api/contract.ts';
import { exportHandlers } from '../../export/export-api.ts';
import { exportJobHandler } from '../../export/export-job.ts';
import { EventBus } from '../../core/event-bus.ts';
import type { ProjectSession } from '../../project/project-session.ts';
import { Workspace } from '../../project/workspace.ts';
import { curationHandlers } from '../curation-api.ts';
import { importSharedFaces, writeFixtureVariants, type FixtureImage, type FixtureVariant } from './variant-fixture.ts';

type HarnessHandlers = ReturnType<typeof curationHandlers> & ReturnType<typeof exportHandlers>;
export type HarnessCommand = keyof HarnessHandlers;

export interface Harness {
  readonly dir: string;
  readonly projectPath: string;
  readonly workspace: Workspace;
  readonly events: EventBus;
  readonly images: FixtureImage[];
  readonly variants: FixtureVariant[];
  session(): ProjectSession;
  call<K extends HarnessCommand>(command: K, input: Input<K>): Promise<Output<K>>;
  /** Events emitted so far, in order. */
  readonly emitted: { event: EventName; payload: unknown }[];
  reopen(): Promise<void>;
  close(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface HarnessOptions {
  readonly identities?: number;
  readonly imagesPerIdentity?: number;
  readonly variantsPerImage?: number;
  readonly actor?: string;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'likeness-curation-'));
  const projectPath = join(dir, 'fixture.likeness');
  const events = new EventBus();
  const emitted: { event: EventName; payload: unknown }[] = [];
  events.subscribe((event, payload) => emitted.push({ event, payload }));
  const workspace = new Workspace({
    settingsDir: join(dir, 'settings'),
    events,
    jobHandlers: (session) => [exportJobHandler(session)],
  });
  const handlers: HarnessHandlers = {
    ...curationHandlers(workspace, events, {
      settingsDir: join(dir, 'settings'),
      actor: options.actor ?? 'tester',
    }),
    ...exportHandlers(workspace),
  };
  await workspace.open(projectPath, 'create');
  const session = workspace.require();
  const images = importSharedFaces(session.db, options.identities ?? 3, options.imagesPerIdentity ?? 3);
  const variants = await writeFixtureVariants(session.db, session.media, images, options.variantsPerImage ?? 4);

  return {
    dir,
    projectPath,
    workspace,
    events,
    images,
    variants,
    emitted,
    session: () => workspace.require(),
    async call(command, input) {
      const spec = commands[command];
      const handler = handlers[command] as (parsed: unknown) => unknown;
      return spec.output.parse(await handler(spec.input.parse(input))) as never;
    },
    async reopen() {
      await workspace.close();
      await workspace.open(projectPath, 'open');
    },
    async close() {
      await workspace.close();
    },
    async cleanup() {
      await workspace.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function eventsOf<E extends EventName>(harness: Harness, event: E): EventPayload<E>[] {
  return harness.emitted.filter((e) => e.event === event).map((e) => e.payload as EventPayload<E>);
}
