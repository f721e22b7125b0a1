import { readFile } from 'node:fs/promises';
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { fileURLToPath } from 'node:url';
import { APP_SCHEME, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, MEDIA_SCHEME } from '#api/channels.ts';
import { RENDERER_COMMANDS } from '#api/renderer-commands.ts';
import { appIconPath } from '../host/app-resources.ts';
import { createAppServices } from '../host/app-services.ts';
import { rendererDir } from '../host/renderer-location.ts';
import { settingsDir } from '../host/settings-dir.ts';
import { CONTENT_SECURITY_POLICY } from '../host/web/security-headers.ts';
import { resolveStaticFile } from '../host/web/static-files.ts';
import { isMediaKey, resolveMedia } from '../project/media-resolver.ts';
import { APP_ORIGIN, isAppUrl, isTrustedSender } from './app-origin.ts';
import { MEDIA_HEADERS, mediaKeyOf } from './media-request.ts';

// The shell is the only code that touches Electron: it binds the shared services to IPC and two
// custom protocols, and locks the window down. Everything it serves goes through the same
// resolvers as the web host. What can be decided without Electron lives beside it and is unit-tested.

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const services = createAppServices({ host: 'desktop', settingsDir: settingsDir() });

function registerProtocols(): void {
  const bundle = rendererDir();
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveStaticFile(bundle, new URL(request.url).pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(await readFile(file.path), {
      headers: { 'Content-Type': file.contentType, 'Content-Security-Policy': desktopCsp(), 'X-Content-Type-Options': 'nosniff' },
    });
  });
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const key = mediaKeyOf(request.url);
    const current = services.workspace.session;
    if (!current || key === null || !isMediaKey(key)) return new Response('not found', { status: 404, headers: MEDIA_HEADERS });
    try {
      const media = await resolveMedia(current, key);
      return new Response(await readFile(media.path), { headers: { ...MEDIA_HEADERS, 'Content-Type': media.contentType } });
    } catch {
      return new Response('not found', { status: 404, headers: MEDIA_HEADERS });
    }
  });
}

function desktopCsp(): string {
  return CONTENT_SECURITY_POLICY.replace("img-src 'self'", `img-src 'self' ${MEDIA_SCHEME}:`);
}

function lockDown(): void {
  // The app needs no permission at all: requests are refused, checks answer no, devices stay unlisted.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    backgroundColor: '#16181d',
    title: 'Likeness',
    icon: appIconPath('png'),
    webPreferences: {
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Middle-click on a link fires auxclick, which asks for a new window; the open handler denies
      // it, but with the feature off the renderer never gets that far.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

app.whenReady().then(() => {
  lockDown();
  registerProtocols();
  ipcMain.handle(IPC_CALL_CHANNEL, (event, command: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'call from an untrusted frame' } };
    }
    if (typeof command !== 'string' || !RENDERER_COMMANDS.includes(command)) {
      return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'not a command of the app window' } };
    }
    return services.router(command, input);
  });
  services.events.subscribe((event, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  void services.shutdown().finally(() => app.quit());
});
