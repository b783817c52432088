/** The Electron side of the contract: one ipcMain handler per method, events to every window. */
import { BrowserWindow, ipcMain } from 'electron';
import { methodNames } from './shared/channels.ts';
import type { EventName, EventPayload } from './shared/contract.ts';
import type { Dispatch } from './api/dispatch.ts';
import type { Envelope } from './shared/envelope.ts';

export function registerIpc(dispatch: Dispatch, isAllowedSender: (url: string) => boolean): void {
  for (const method of methodNames) {
    ipcMain.handle(method, (event, args): Promise<Envelope<unknown>> | Envelope<unknown> => {
      const url = event.senderFrame?.url ?? '';
      if (!isAllowedSender(url)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: `${method}: calls are only taken from the studio's own pages, not ${url || 'an unknown frame'}` } };
      }
      return dispatch(method, args);
    });
  }
}

export function broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void {
  for (const window of BrowserWindow.getAllWindows()) window.webContents.send(event, payload);
}
