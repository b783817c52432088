/** The Electron side of the contract: one ipcMain handler per method, events to every window; the native file dialog. */
import { BrowserWindow, dialog, ipcMain, type OpenDialogOptions } from 'electron';
import { methodNames, pickChannel, type PickRequest } from './shared/channels.ts';
import type { EventName, EventPayload } from './shared/contract.ts';
import type { Dispatch } from './api/dispatch.ts';
import type { Envelope } from './shared/envelope.ts';

export function registerIpc(dispatch: Dispatch, isAllowedSender: (url: string) => boolean): void {
  for (const method of methodNames) {
    ipcMain.handle(method, (event, args): Promise<Envelope<unknown>> | Envelope<unknown> => {
      const url = event.senderFrame?.url ?? '';
      if (!isAllowedSender(url)) {
        return {
          ok: false,
          error: { code: 'FORBIDDEN', message: `${method}: calls are only taken from the studio's own pages, not ${url || 'an unknown frame'}` },
        };
      }
      return dispatch(method, args);
    });
  }
}

export function broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void {
  for (const window of BrowserWindow.getAllWindows()) window.webContents.send(event, payload);
}

/** the request as the renderer sent it, checked: anything else is refused before a dialog opens */
function pickRequest(value: unknown): PickRequest | null {
  if (typeof value !== 'object' || value === null) return null;
  const { kind, multiple, filters, title, defaultPath } = value as Record<string, unknown>;
  if (kind !== 'file' && kind !== 'folder' && kind !== 'save') return null;
  const isText = (v: unknown) => v === undefined || typeof v === 'string';
  const isFilter = (f: unknown) => {
    const { name, extensions } = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    return typeof name === 'string' && Array.isArray(extensions) && extensions.every((e) => typeof e === 'string');
  };
  if (!isText(title) || !isText(defaultPath) || (multiple !== undefined && typeof multiple !== 'boolean')) return null;
  if (filters !== undefined && !(Array.isArray(filters) && filters.every(isFilter))) return null;
  return value as PickRequest;
}

/** Electron's dialog for the window that asked: the chosen paths, none when cancelled. */
export function registerPicker(isAllowedSender: (url: string) => boolean): void {
  ipcMain.handle(pickChannel, async (event, value): Promise<string[]> => {
    const request = pickRequest(value);
    if (!request || !isAllowedSender(event.senderFrame?.url ?? '')) return [];
    const window = BrowserWindow.fromWebContents(event.sender);
    const common = { title: request.title, defaultPath: request.defaultPath, filters: request.filters };
    if (request.kind === 'save') {
      const saved = window ? await dialog.showSaveDialog(window, common) : await dialog.showSaveDialog(common);
      return saved.canceled || !saved.filePath ? [] : [saved.filePath];
    }
    const properties: OpenDialogOptions['properties'] =
      request.kind === 'folder' ? ['openDirectory', 'createDirectory'] : request.multiple ? ['openFile', 'multiSelections'] : ['openFile'];
    const options: OpenDialogOptions = { ...common, properties };
    const opened = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return opened.canceled ? [] : opened.filePaths;
  });
}
