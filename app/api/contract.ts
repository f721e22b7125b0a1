import type { z } from 'zod';
import { curationCommands, curationEvents } from './curation.ts';
import { datasetCommands, datasetEvents } from './dataset.ts';
import { exportCommands } from './export.ts';
import { jobCommands, jobEvents } from './jobs.ts';
import { projectCommands, projectEvents } from './project.ts';
import { synthesisCommands, synthesisEvents } from './synthesis.ts';
import { systemCommands } from './system.ts';
import { visionCommands, visionEvents } from './vision.ts';

/**
 * The whole API, declared once. Both hosts (Electron IPC and the local web host) dispatch through
 * one router typed by this object, and both renderer backends call through one client typed by it.
 */
export const commands = {
  ...projectCommands,
  ...datasetCommands,
  ...jobCommands,
  ...curationCommands,
  ...exportCommands,
  ...synthesisCommands,
  ...visionCommands,
  ...systemCommands,
};

export const events = {
  ...projectEvents,
  ...datasetEvents,
  ...jobEvents,
  ...synthesisEvents,
  ...curationEvents,
  ...visionEvents,
};

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type Input<K extends CommandName> = z.input<Commands[K]['input']>;
export type ParsedInput<K extends CommandName> = z.output<Commands[K]['input']>;
export type Output<K extends CommandName> = z.output<Commands[K]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
