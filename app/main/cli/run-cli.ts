import { ApiClient } from '#api/client.ts';
import { ApiError } from '#api/errors.ts';
import { createAppServices } from '../host/app-services.ts';
import { inProcessTransport } from '../host/in-process-transport.ts';
import { settingsDir } from '../host/settings-dir.ts';
import { analyzeCommand } from './analyze-command.ts';
import { demoCommand } from './demo-command.ts';
import { parseArgs } from './cli-args.ts';
import type { CliCommand } from './cli-command.ts';
import { exportCommand } from './export-command.ts';
import { mergeCommand } from './merge-command.ts';
import { packCommand } from './pack-command.ts';
import { importCommand, infoCommand } from './project-commands.ts';
import { serveCommand } from './serve-command.ts';
import { synthesizeCommand } from './synthesize-command.ts';

const cliCommands: readonly CliCommand[] = [
  demoCommand,
  importCommand,
  analyzeCommand,
  serveCommand,
  infoCommand,
  synthesizeCommand,
  mergeCommand,
  exportCommand,
  packCommand,
];

function usage(): string {
  const width = Math.max(...cliCommands.map((c) => c.usage.length));
  return ['usage:', ...cliCommands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`)].join('\n');
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const selected = cliCommands.find((c) => c.name === name);
  if (!selected) {
    process.stderr.write(`${name && name !== '--help' ? `unknown command: ${name}\n` : ''}${usage()}\n`);
    return name && name !== '--help' ? 2 : 0;
  }
  // Before any service starts: asking `serve` for help must not start a server.
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${selected.usage}\n  ${selected.summary}\n`);
    return 0;
  }
  const services = createAppServices({
    host: selected.name === 'serve' || selected.name === 'demo' ? 'web' : 'cli',
    settingsDir: settingsDir(),
  });
  const client = new ApiClient(inProcessTransport(services));
  try {
    return await selected.run({
      args: parseArgs(rest, new Set(selected.switches ?? [])),
      client,
      services,
      out: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    const message = error instanceof ApiError ? `${error.code}: ${error.message}` : (error as Error).message;
    process.stderr.write(`likeness ${selected.name}: ${message}\n`);
    return 1;
  } finally {
    await services.shutdown();
  }
}
