/**
 * Long demo sessions as raw files, the way `vskd demo-data --sessions N --session-seconds S` writes
 * them (a video and a CSV each), for tests that import them as a user imports a recording of their
 * own. Where the files lie is read from the manifest, never assumed.
 */
import { basename, dirname, join } from 'node:path';
import { generateDemo } from '../../main/datasets/demo/generate.ts';
import type { DemoManifest, DemoSessionEntry } from '../../main/datasets/demo/manifest.ts';

export interface SessionFiles {
  entry: DemoSessionEntry;
  /** the folder and file name of the video, and of the sensor CSV: as a file browser picks them */
  video: [string, string];
  sensor: [string, string];
}

/** a session as long as tests make it: enough for auto-sync to measure the drift (two minutes), each action several times */
export const LONG_SESSION_SECONDS = 130;

const split = (path: string): [string, string] => [dirname(path), basename(path)];

/** Writes `sessions` demo sessions of `seconds` each (alongside the generator's shortest clips) into `dir`. */
export async function demoSessions(dir: string, sessions: number, seconds: number): Promise<{ manifest: DemoManifest; sessions: SessionFiles[] }> {
  // one short clip per class: the generator always writes clips, and these keep it quick
  const manifest = await generateDemo(dir, { sessions, sessionSeconds: seconds, subjects: sessions, classes: ['wave', 'clap'], perClass: 1, seconds: 1 });
  if (manifest.sessions.length !== sessions) throw new Error(`asked for ${sessions} session(s), the generator wrote ${manifest.sessions.length}`);
  return {
    manifest,
    sessions: manifest.sessions.map((entry) => ({ entry, video: split(join(dir, entry.video)), sensor: split(join(dir, entry.sensor)) })),
  };
}
