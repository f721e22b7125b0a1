import { runCli } from './run-cli.ts';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
