/** The Electron entry: one secure window on the renderer, the API served over IPC. */
import { app, BrowserWindow, protocol, session, type WebContents } from 'electron';
import { join } from 'node:path';
import { contentSecurityPolicy } from './api/csp.ts';
import { createDispatcher } from './api/dispatch.ts';
import { isAppUrl } from './api/origin.ts';
import { createStudioService } from './api/service.ts';
import { ensureDemoProject, studioCacheDir } from './datasets/demoProject.ts';
import { broadcast, registerIpc, registerPicker } from './ipc.ts';
import { mediaFetch } from './media/mediaRoute.ts';
import { mediaScheme } from './shared/mediaUrl.ts';

const CSP = contentSecurityPolicy();

const origins = { rendererDir: join(import.meta.dirname, '../renderer'), devServerUrl: process.env.ELECTRON_RENDERER_URL };
const isOwnPage = (url: string) => isAppUrl(url, origins);

/**
 * Every frame of every web contents (windows, and any a page might make) stays on the studio's own
 * pages: navigations and redirects elsewhere are stopped, new windows and <webview>s refused.
 */
function guardNavigation(contents: WebContents): void {
  const stayHome = (event: { url: string; preventDefault(): void }) => {
    if (!isOwnPage(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-frame-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'VSKD Studio',
    // resources/icon.png (scripts/makeIcon.ts); an app without it starts with the default icon
    icon: join(app.getAppPath(), 'resources', 'icon.png'),
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  if (origins.devServerUrl) void window.loadURL(origins.devServerUrl);
  else void window.loadFile(join(origins.rendererDir, 'index.html'));
  return window;
}

const service = createStudioService({ version: app.getVersion(), emit: broadcast, recentFile: join(studioCacheDir(), 'recent-projects.json') });

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => guardNavigation(contents));

// <video> reads project media from studio-media://media/<streamId>: streamed, seekable by Range
protocol.registerSchemesAsPrivileged([{ scheme: mediaScheme, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } }]);

app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // the studio needs no browser permission (camera, notifications, clipboard, ...): asked or checked, the answer is no
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  registerIpc(createDispatcher(service.handlers), isOwnPage);
  registerPicker(isOwnPage);
  protocol.handle(mediaScheme, (request) => mediaFetch(request, service.mediaFile));
  // The studio opens on a project: the one named on the command line, else the embedded demo.
  const projectArg = process.argv.find((a) => a.endsWith('.vskd'));
  try {
    const path = projectArg ?? (await ensureDemoProject(undefined, (line) => console.log(line)));
    await service.handlers['project.open']({ path });
  } catch (err) {
    console.error(`VSKD Studio: starting without a project: ${err instanceof Error ? err.message : String(err)}`);
  }
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  void service.dispose().finally(() => {
    if (process.platform !== 'darwin') app.quit();
  });
});
