import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Typechecks one in-memory module as if it lived at `path`, under the compiler options of `tsconfigFile`. */
function diagnose(tsconfigFile: string, path: string, source: string): string[] {
  const config = ts.readConfigFile(join(root, tsconfigFile), (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const fileName = join(root, path);
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (file) => (file === fileName ? source : readFile(file));
  host.fileExists = (file) => file === fileName || fileExists(file);
  const program = ts.createProgram([fileName], parsed.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the typecheck keeps the layers apart', () => {
  it('refuses a renderer module that imports node:fs or reads process', () => {
    const errors = diagnose(
      'tsconfig.web.json',
      'app/renderer/src/lib/probe.ts',
      "import { readFileSync } from 'node:fs';\nexport const probe = [readFileSync, process.env];\n",
    );
    expect(errors.some((e) => e.includes("'node:fs'"))).toBe(true);
    expect(errors.some((e) => e.includes("'process'"))).toBe(true);
  });

  it('accepts the same module on the Node side, so the refusal is the boundary and not a broken config', () => {
    const errors = diagnose(
      'tsconfig.node.json',
      'app/main/probe.ts',
      "import { readFileSync } from 'node:fs';\nexport const probe = [readFileSync, process.env];\n",
    );
    expect(errors).toEqual([]);
  });
});
