/**
 * Preload for the sandboxed renderer: exposes `window.kortkoll`, a small frozen API with one method
 * per invoke channel of the IPC contract plus `onStateChanged`. Neither `ipcRenderer` nor an IPC
 * event object ever reaches the page. Bundled to CommonJS (`dist/electron/preload.cjs`): a
 * sandboxed preload cannot be an ES module.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AppState, IpcEventContract } from './ipc-contract.js';
import { buildKortkollApi } from './preload-api.js';

const stateChannel: keyof IpcEventContract = 'state:changed';

const api = buildKortkollApi(
  (channel, args) => ipcRenderer.invoke(channel, ...args),
  (listener) => {
    const forward = (_event: IpcRendererEvent, state: AppState) => listener(state);
    ipcRenderer.on(stateChannel, forward);
    return () => {
      ipcRenderer.removeListener(stateChannel, forward);
    };
  },
);

contextBridge.exposeInMainWorld('kortkoll', api);
