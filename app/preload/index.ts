import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '#api/channels.ts';
import { RENDERER_COMMANDS } from '#api/renderer-commands.ts';

/**
 * The renderer's whole view of the desktop host: two functions, no Node, no ipcRenderer, and only
 * the commands the renderer uses. Inputs are validated in the main process by the API router, so
 * nothing here needs to trust the page.
 */
const bridge = {
  call: (command: string, input: unknown): Promise<unknown> =>
    typeof command === 'string' && RENDERER_COMMANDS.includes(command)
      ? ipcRenderer.invoke(IPC_CALL_CHANNEL, command, input)
      : Promise.resolve({
          ok: false,
          error: { code: 'UNKNOWN_COMMAND', message: `${String(command).slice(0, 64)} is not available to the app window` },
        }),
  onEvent: (handler: (event: string, payload: unknown) => void): (() => void) => {
    const listener = (_event: IpcRendererEvent, name: string, payload: unknown): void => handler(name, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('likeness', bridge);
