/**
 * A folder's files paired into recordings by filename patterns (pattern.ts): the first pattern that
 * matches a file gives its values; files whose recording values ({name}, {subject}, {label}, {trial})
 * agree make one recording, with at most one video and one sensor file per stream ({sensor}, else the
 * pattern's literal word: 'acc' of 'acc_{subject}.txt', else 'sensor'). Only names and values here:
 * no file is read.
 */
import { join } from 'node:path';
import type { DelimitedOptions } from '../sensors/delimited.ts';
import { StudioError } from '../shared/errors.ts';
import { fileKind, folderFiles } from './folderFiles.ts';
import { compilePattern, defaultNameTemplate, fillTemplate, patternWord, RECORDING_KEYS, type FilePattern, type Values } from './pattern.ts';
import type { SessionFiles } from './readRecording.ts';

export interface FolderRequest {
  dir: string;
  patterns: string[];
  /** label code → name */
  labels?: Record<string, string>;
  /** the recordings' name template */
  name?: string;
  options?: DelimitedOptions;
}

export interface PlannedRecording extends SessionFiles {
  /** its files, relative to the folder (video first) */
  relative: string[];
  exists: boolean;
}

export interface FileFailure {
  /** relative to the folder */
  file: string;
  reason: string;
}

export interface FolderMatch {
  files: number;
  recordings: PlannedRecording[];
  unmatched: string[];
  failures: FileFailure[];
}

interface Group {
  values: Values;
  label: string | null;
  /** the first pattern (in the order given) that matched one of its files: its name template */
  pattern: number;
  video: string[];
  sensors: Map<string, string[]>;
}

function compileAll(patterns: string[]): FilePattern[] {
  return patterns.map((text, i) => compilePattern(text, `patterns[${i}]`));
}

/** `name` checked as a template up front, so that a bad one fails the call rather than every recording. */
function checkTemplate(template: string | undefined): void {
  if (template !== undefined && fillTemplate(template, { name: 'x', subject: 'x', label: 'x', trial: '1' }) === '') {
    throw new StudioError('INVALID_ARGUMENT', `name: ${JSON.stringify(template)} makes an empty name`, { field: 'name' });
  }
}

/** Why a group's files cannot make one recording: two videos, or two files for one sensor stream; null when they can. */
function clashOf(group: Group): string | null {
  if (group.video.length > 1) return `has ${group.video.length} videos: ${group.video.join(', ')}`;
  const doubled = [...group.sensors].find(([, files]) => files.length > 1);
  return doubled
    ? `has ${doubled[1].length} files for sensor stream ${doubled[0]}: ${doubled[1].join(', ')} (add {sensor} to the pattern to tell them apart)`
    : null;
}

/** The patterns and name template checked (INVALID_ARGUMENT naming the field), before any file is looked at. */
export function checkFolderRequest(request: Pick<FolderRequest, 'patterns' | 'name'>): FilePattern[] {
  const patterns = compileAll(request.patterns);
  checkTemplate(request.name);
  return patterns;
}

export async function matchFolder(request: FolderRequest, existing: ReadonlySet<string>, skip: ReadonlySet<string> = new Set()): Promise<FolderMatch> {
  const patterns = checkFolderRequest(request);
  const files = await folderFiles(request.dir, skip);
  const unmatched: string[] = [];
  const failures: FileFailure[] = [];
  const groups = new Map<string, Group>();
  for (const file of files) {
    const index = patterns.findIndex((p) => p.match(file) !== null);
    if (index < 0) {
      unmatched.push(file);
      continue;
    }
    const values = patterns[index].match(file)!;
    const kind = fileKind(file);
    if (!kind) {
      failures.push({
        file,
        reason: 'matches the pattern but is neither a video (.mp4, .mov, .mkv, .avi, .webm, …) nor a sensor file (.csv, .tsv, .txt, .mat, …)',
      });
      continue;
    }
    let label: string | null = values.label ?? null;
    if (label !== null && request.labels) {
      label = request.labels[label] ?? null;
      if (label === null) {
        failures.push({ file, reason: `label code ${JSON.stringify(values.label)} is not in the labels map (${Object.keys(request.labels).join(', ')})` });
        continue;
      }
    }
    const key = JSON.stringify(RECORDING_KEYS.map((k) => values[k]?.toLowerCase() ?? null));
    const group: Group = groups.get(key) ?? { values, label, pattern: index, video: [], sensors: new Map() };
    group.pattern = Math.min(group.pattern, index);
    groups.set(key, group);
    if (kind === 'video') group.video.push(file);
    else {
      const stream = values.sensor ?? (patternWord(request.patterns[index]) || 'sensor');
      group.sensors.set(stream, [...(group.sensors.get(stream) ?? []), file]);
    }
  }
  const recordings: PlannedRecording[] = [];
  const named = new Map<string, string>();
  for (const group of groups.values()) {
    const all = [...group.video, ...[...group.sensors.values()].flat()];
    const name = fillTemplate(request.name ?? defaultNameTemplate(request.patterns[group.pattern]), group.values);
    const clash = clashOf(group);
    if (clash) {
      failures.push(...all.map((file) => ({ file, reason: `recording ${name} ${clash}` })));
      continue;
    }
    if (name === '' || named.has(name)) {
      const reason =
        name === ''
          ? 'its recording name is empty: give a name template'
          : `recording ${name} would also be made of ${named.get(name)}: give a name template with more placeholders`;
      failures.push(...all.map((file) => ({ file, reason })));
      continue;
    }
    named.set(name, all[0]);
    const trial = group.values.trial === undefined ? null : Number(group.values.trial);
    recordings.push({
      name,
      subject: group.values.subject ?? null,
      trial: Number.isSafeInteger(trial) ? trial : null,
      label: group.label,
      video: group.video[0] === undefined ? null : join(request.dir, group.video[0]),
      sensors: [...group.sensors].map(([stream, [file]]) => ({ file: join(request.dir, file), stream, options: request.options })),
      relative: all,
      exists: existing.has(name),
    });
  }
  return { files: files.length, recordings, unmatched, failures };
}
