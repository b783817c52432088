/**
 * window.studio: the renderer's only door to the main side. It forwards contract calls and
 * events as plain data; the renderer's client rebuilds typed errors from the envelopes. It also
 * opens the native file dialog and names the path of a file dropped on the window.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { StudioBridge } from '../main/shared/bridge.ts';
import { isEventName, isMethodName, pickChannel, type NativeFiles } from '../main/shared/channels.ts';

const bridge: StudioBridge & NativeFiles = {
  invoke(method, args) {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown method ${method}`, field: 'method' } });
    }
    return ipcRenderer.invoke(method, args);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event ${event}`);
    const forward = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(event, forward);
    return () => ipcRenderer.removeListener(event, forward);
  },
  pick: (request) => ipcRenderer.invoke(pickChannel, request),
  pathOf: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('studio', bridge);
