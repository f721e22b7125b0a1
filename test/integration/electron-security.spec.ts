import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeFinding, scanElectronBuild, type ScanResult } from '../../tools/security/electronegativity.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

/** A build of the current sources in a temporary folder, so the check never reads a stale `out/`. */
function buildElectron(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'likeness-electron-build-'));
  execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--config', 'electron.config.ts', '--outDir', outDir],
    {
      cwd: repoRoot,
      stdio: 'pipe',
    },
  );
  return outDir;
}

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
}

function findAll<T extends ts.Node>(root: ts.Node, test: (node: ts.Node) => node is T): T[] {
  const found: T[] = [];
  const visit = (node: ts.Node): void => {
    if (test(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

/** `a.b.c(...)` calls whose callee text ends with `name`, e.g. `.handle` or `contents.on`. */
function callsTo(root: ts.Node, name: string): ts.CallExpression[] {
  return findAll(root, ts.isCallExpression).filter((call) => call.expression.getText().endsWith(name));
}

function literalValue(node: ts.Expression): unknown {
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isStringLiteralLike(node)) return node.text;
  return `<${node.getText()}>`;
}

function objectProperties(node: ts.Node | undefined): Record<string, unknown> {
  if (!node || !ts.isObjectLiteralExpression(node)) throw new Error(`expected an object literal, got ${node?.getText()}`);
  const out: Record<string, unknown> = {};
  for (const property of node.properties) {
    if (!ts.isPropertyAssignment(property)) throw new Error(`unexpected ${property.getText()} in ${node.getText()}`);
    out[property.name.getText().replace(/^"|"$/g, '')] = ts.isObjectLiteralExpression(property.initializer)
      ? objectProperties(property.initializer)
      : literalValue(property.initializer);
  }
  return out;
}

describe('the built Electron shell and preload', () => {
  let out: string;
  let main: ts.SourceFile;
  let preload: ts.SourceFile;

  beforeAll(() => {
    out = buildElectron();
    main = parse(join(out, 'main/index.js'));
    preload = parse(join(out, 'preload/index.cjs'));
  }, 120_000);

  it('opens every window isolated, sandboxed, without Node, with web security and no webview or auxclick', () => {
    const windows = findAll(main, ts.isNewExpression).filter((n) => n.expression.getText() === 'BrowserWindow');
    expect(windows).toHaveLength(1);
    const prefs = objectProperties(windows[0]!.arguments![0]).webPreferences as Record<string, unknown>;
    expect(prefs).toEqual({
      preload: expect.stringContaining('../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
    const text = main.getText();
    for (const risky of [
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'enableBlinkFeatures',
      'experimentalFeatures',
      'openExternal',
      'allowpopups',
    ]) {
      expect(text, risky).not.toContain(risky);
    }
  });

  it('denies permission requests and checks, new windows and webviews, and every navigation and redirect off the app origin', () => {
    const permission = callsTo(main, 'setPermissionRequestHandler');
    expect(permission).toHaveLength(1);
    expect(permission[0]!.arguments[0]!.getText()).toMatch(/=>\s*callback\(false\)$/);
    expect(callsTo(main, 'setPermissionCheckHandler').map((c) => c.arguments[0]!.getText())).toEqual(['() => false']);
    expect(callsTo(main, 'setDevicePermissionHandler').map((c) => c.arguments[0]!.getText())).toEqual(['() => false']);

    expect(callsTo(main, 'setWindowOpenHandler').map((c) => c.arguments[0]!.getText())).toEqual(['() => ({ action: "deny" })']);
    const on = (event: string) => callsTo(main, 'contents.on').filter((c) => literalValue(c.arguments[0]!) === event);
    expect(on('will-attach-webview').map((c) => c.arguments[1]!.getText())).toEqual(['(event) => event.preventDefault()']);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const handlers = on(event);
      expect(handlers, event).toHaveLength(1);
      expect(handlers[0]!.arguments[1]!.getText(), event).toMatch(/if \(!isAppUrl\(event\.url\)\) event\.preventDefault\(\)/);
    }
    const appUrl = findAll(main, ts.isFunctionDeclaration).find((f) => f.name?.text === 'isAppUrl')!;
    expect(appUrl.body!.getText()).toMatch(/parsed\.protocol === `likeness-app:` && parsed\.host === "bundle" && parsed\.username === ""/);
  });

  it('answers IPC calls only from the app origin top frame and only with renderer commands, and sends CSP and nosniff with every bundle and media file', () => {
    const handles = callsTo(main, 'ipcMain.handle');
    expect(handles).toHaveLength(1);
    const body = handles[0]!.arguments[1]!.getText();
    expect(body.indexOf('if (!isTrustedSender(event.senderFrame)) return')).toBeGreaterThan(-1);
    expect(body.indexOf('if (!isTrustedSender(event.senderFrame))')).toBeLessThan(body.indexOf('services.router('));
    expect(body.indexOf('RENDERER_COMMANDS.includes(command)')).toBeGreaterThan(-1);
    expect(body.indexOf('RENDERER_COMMANDS.includes(command)')).toBeLessThan(body.indexOf('services.router('));
    const trusted = findAll(main, ts.isFunctionDeclaration).find((f) => f.name?.text === 'isTrustedSender')!;
    expect(trusted.body!.getText()).toMatch(/frame\.parent !== null\) return false[\s\S]*return isAppUrl\(frame\.url\)/);
    expect(callsTo(main, 'ipcMain.on')).toEqual([]);

    const appProtocol = callsTo(main, 'protocol.handle').find((c) => c.arguments[0]!.getText() === 'APP_SCHEME')!;
    expect(appProtocol.arguments[1]!.getText()).toContain('"Content-Security-Policy": desktopCsp()');
    expect(appProtocol.arguments[1]!.getText()).toContain('"X-Content-Type-Options": "nosniff"');
    const mediaProtocol = callsTo(main, 'protocol.handle').find((c) => c.arguments[0]!.getText() === 'MEDIA_SCHEME')!;
    const media = mediaProtocol.arguments[1]!.getText();
    expect(media).toMatch(/mediaKeyOf\(request\.url\)[\s\S]*key === null \|\| !isMediaKey\(key\)[\s\S]*resolveMedia\(current, key\)/);
    expect(media.match(/\.\.\.MEDIA_HEADERS|headers: MEDIA_HEADERS/g)).toHaveLength(3);
    expect(media).not.toContain('decodeURIComponent');
  });

  it('declares the fuses the packaged app is built with', async () => {
    const { electronFuses } = await import('../../electron.config.ts');
    expect(electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('gives the page two functions over two fixed channels, never ipcRenderer itself', () => {
    const exposed = callsTo(preload, 'contextBridge.exposeInMainWorld');
    expect(exposed).toHaveLength(1);
    expect(literalValue(exposed[0]!.arguments[0]!)).toBe('likeness');
    const api = exposed[0]!.arguments[1]!;
    expect(ts.isObjectLiteralExpression(api) && api.properties.map((p) => p.name!.getText())).toEqual(['call', 'onEvent']);
    const call = (api as ts.ObjectLiteralExpression).properties[0]!.getText();
    expect(call.indexOf('RENDERER_COMMANDS.includes(command)')).toBeGreaterThan(-1);
    expect(call.indexOf('RENDERER_COMMANDS.includes(command)')).toBeLessThan(call.indexOf('invoke('));
    const ipcUses = findAll(preload, ts.isPropertyAccessExpression)
      .filter((p) => p.expression.getText() === 'electron.ipcRenderer')
      .map((p) => `${p.name.text}(${(p.parent as ts.CallExpression).arguments[0]!.getText()})`);
    expect(ipcUses.sort()).toEqual(['invoke(IPC_CALL_CHANNEL)', 'on(IPC_EVENT_CHANNEL)', 'removeListener(IPC_EVENT_CHANNEL)']);
    // Everything the preload calls on electron: a bare reference would hand the object to the page.
    const electronUses = findAll(preload, ts.isIdentifier).filter((id) => id.text === 'electron' && !ts.isVariableDeclaration(id.parent));
    expect(electronUses.every((id) => ts.isPropertyAccessExpression(id.parent))).toBe(true);
  });

  describe('electronegativity', () => {
    let scan: ScanResult;

    beforeAll(async () => {
      scan = await scanElectronBuild(out);
      for (const finding of scan.allowed) console.info(`allowed: ${describeFinding(finding)}`);
      for (const file of scan.skipped) console.info(`not parsed (never imports electron): ${file}`);
    }, 120_000);

    it('finds nothing at or above MEDIUM that the allow-list does not justify, and parses every file that uses Electron', () => {
      expect(scan.checks).toBeGreaterThan(30);
      expect(scan.failures.map(describeFinding)).toEqual([]);
      expect(scan.parseErrors).toEqual([]);
    });

    it('has every allow-list entry still needed, so a fixed finding cannot leave a stale exemption behind', async () => {
      const { allowList } = await import('../../tools/security/electronegativity.ts');
      expect(allowList.map((e) => e.id).sort()).toEqual([...new Set(scan.allowed.map((f) => f.id))].sort());
    });
  });
});
