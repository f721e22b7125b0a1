/**
 * TEST FIXTURE — never shipped. A closed project copied whole (its SQLite file and its media folder),
 * so one prepared project can be run many ways side by side.
 */
import { copyFileSync, cpSync, existsSync } from 'node:fs';

export function copyProject(from: string, to: string): string {
  copyFileSync(from, to);
  if (existsSync(`${from}.media`)) cpSync(`${from}.media`, `${to}.media`, { recursive: true });
  return to;
}
