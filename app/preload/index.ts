import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../api/channels.ts';

/**
 * The renderer's whole view of the desktop host: two functions, no Node, no ipcRenderer. Inputs are
 * validated in the main process by the API router, so nothing here needs to trust the page.
 */
const bridge = {
  call: (command: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_CALL_CHANNEL, command, input),
  onEvent: (handler: (event: string, payload: unknown) => void): (() => void) => {
    const listener = (_event: IpcRendererEvent, name: string, payload: unknown): void => handler(name, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('likeness', bridge);
