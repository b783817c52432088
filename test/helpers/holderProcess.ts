/** A second process for tests of what two processes on one project file do. */
import { type ChildProcess, spawn } from 'node:child_process';
import { after } from 'node:test';

const root = new URL('../../', import.meta.url);

/** A node process that takes the lease on `resource` of the project at `path` and stays alive, once it holds it. */
export async function holderProcess(path: string, resource: string, holder: string): Promise<ChildProcess> {
  const module = (file: string) => JSON.stringify(new URL(file, root).href);
  const code = `
    import { openProject } from ${module('main/store/project.ts')};
    import { acquireLease } from ${module('main/store/leases.ts')};
    const { db } = await openProject(${JSON.stringify(path)});
    await acquireLease(db, ${JSON.stringify(resource)}, ${JSON.stringify(holder)});
    process.stdout.write('held\\n');
    setInterval(() => {}, 60_000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  after(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`the holder process exited (${code}) before it held the lease: ${stderr}`)));
  });
  return child;
}
