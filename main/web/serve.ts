/**
 * `npm run serve [-- --port N --project file.vskd --host 127.0.0.1]`: the studio in a browser on this
 * machine. Serves out/renderer (npm run serve builds it first) until SIGINT or SIGTERM.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../cli/version.ts';
import { ensureDemoProject, studioCacheDir } from '../datasets/demoProject.ts';
import { StudioError, toStudioError } from '../shared/errors.ts';
import { checkLoopbackHost } from './guard.ts';
import { startWebServer } from './server.ts';

const usage = 'usage: npm run serve [-- --port <0-65535, 0 = any free> --project <file.vskd, default: the demo project> --host <127.0.0.1|localhost|::1>]';

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new StudioError('INVALID_ARGUMENT', `--port: ${JSON.stringify(text)} is not a port number (0-65535)`, { field: '--port' });
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, project: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) return void console.log(usage);
  const port = parsePort(values.port);
  checkLoopbackHost(values.host, '--host');
  const rendererDir = join(import.meta.dirname, '../../out/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new StudioError('UNAVAILABLE', `${rendererDir}/index.html is missing: build the renderer with \`npx electron-vite build\` (npm run serve does)`, {
      file: rendererDir,
    });
  }
  // Without --project the studio starts on the embedded demo project (made on first use).
  const projectPath = values.project ?? (await ensureDemoProject(undefined, (line) => console.log(line)));
  const server = await startWebServer({
    port,
    host: values.host,
    rendererDir,
    projectPath,
    version,
    recentFile: join(studioCacheDir(), 'recent-projects.json'),
  });
  console.log(`VSKD Studio web mode: ${server.url}`);
  console.log('Open it in a browser on this machine (or through an SSH tunnel to this port). Ctrl-C stops it.');

  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    // a terminal's Ctrl-C may also arrive forwarded by a parent (npm start): close once
    if (closing) return;
    closing = true;
    console.log(`${signal}: closing the project and stopping the server`);
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error(`vskd serve: ${toStudioError(err).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  const error = toStudioError(err);
  // parseArgs reports unknown or malformed options as plain TypeErrors
  const hint = err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS') ? `\n${usage}` : '';
  console.error(`vskd serve: ${error.message}${hint}`);
  process.exit(2);
});
