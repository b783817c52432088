/**
 * The project file's schema, as an ordered list of migrations.
 * The schema version is SQLite's user_version: migration i brings the file to version i + 1.
 * A migration is only ever appended, never edited, once it has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  color TEXT,
  position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recordings (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  subject TEXT,
  trial INTEGER,
  label_id INTEGER REFERENCES labels(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX recordings_label ON recordings(label_id);

-- The files a recording came from, with the checksum they had at import.
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  UNIQUE (recording_id, role)
);

CREATE TABLE streams (
  id INTEGER PRIMARY KEY,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('sensor', 'video', 'depth', 'skeleton')),
  name TEXT NOT NULL,
  source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
  rate REAL NOT NULL CHECK (rate > 0),
  length INTEGER NOT NULL CHECK (length >= 0),
  channels TEXT NOT NULL DEFAULT '[]',  -- JSON [{name, unit}]
  meta TEXT NOT NULL DEFAULT '{}',      -- JSON: frame size, codec, joints, ...
  UNIQUE (recording_id, name)
);
CREATE INDEX streams_recording ON streams(recording_id);

-- One row per sensor stream: row-major samples as one blob, timestamps only when irregular.
CREATE TABLE sensor_samples (
  stream_id INTEGER PRIMARY KEY REFERENCES streams(id) ON DELETE CASCADE,
  dtype TEXT NOT NULL CHECK (dtype IN ('f4', 'f8')),
  rows INTEGER NOT NULL,
  cols INTEGER NOT NULL,
  data BLOB NOT NULL,
  timestamps BLOB,
  CHECK (length(data) = rows * cols * (CASE dtype WHEN 'f4' THEN 4 ELSE 8 END))
);

-- sensor_time = video_time * (1 + drift) + offset
CREATE TABLE clock_alignments (
  recording_id INTEGER PRIMARY KEY REFERENCES recordings(id) ON DELETE CASCADE,
  offset_s REAL NOT NULL DEFAULT 0,
  drift REAL NOT NULL DEFAULT 0,
  method TEXT NOT NULL DEFAULT 'none',
  detail TEXT NOT NULL DEFAULT '{}',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE annotations (
  id INTEGER PRIMARY KEY,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE RESTRICT,
  start_s REAL NOT NULL,
  end_s REAL NOT NULL,
  time_base TEXT NOT NULL DEFAULT 'video' CHECK (time_base IN ('video', 'sensor')),
  note TEXT NOT NULL DEFAULT '',
  CHECK (end_s > start_s)
);
CREATE INDEX annotations_recording ON annotations(recording_id, start_s);

CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  protocol TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE dataset_members (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  split TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
  PRIMARY KEY (dataset_id, recording_id)
);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('teacher', 'student')),
  method TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  backend TEXT,
  status TEXT NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'running', 'cancelled', 'failed', 'done')),
  error TEXT,
  started_at TEXT,
  finished_at TEXT
);

CREATE TABLE run_epochs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  metrics TEXT NOT NULL,  -- JSON: every loss term, accuracies, samples/s
  PRIMARY KEY (run_id, epoch)
);

CREATE TABLE run_artifacts (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  path TEXT,
  data BLOB,
  meta TEXT NOT NULL DEFAULT '{}',
  UNIQUE (run_id, name)
);
`,
  },
  {
    version: 2,
    name: 'leases',
    sql: `
-- Who works on what across processes (a run being trained, a folder being imported): a studio and a
-- vskd command opened on the same file would otherwise both write it. A row whose process is gone is
-- stale and taken over (main/store/leases.ts).
CREATE TABLE leases (
  resource TEXT PRIMARY KEY,
  holder TEXT NOT NULL,  -- what holds it, as a person reads it: 'vskd train student', 'the studio'
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  since TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
`,
  },
  {
    version: 3,
    name: 'dataset windows',
    sql: `
-- The samples of a segment dataset: each annotated segment, or each window cut inside one, in video
-- seconds as it was when the dataset was made (a later edit of the segment does not change the dataset).
-- Its split is its recording's (dataset_members), so windows of one segment never fall in two splits.
CREATE TABLE dataset_windows (
  dataset_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  recording_id INTEGER NOT NULL,
  annotation_id INTEGER REFERENCES annotations(id) ON DELETE SET NULL,
  label TEXT NOT NULL,
  start_s REAL NOT NULL,
  end_s REAL NOT NULL,
  CHECK (end_s > start_s),
  PRIMARY KEY (dataset_id, position),
  FOREIGN KEY (dataset_id, recording_id) REFERENCES dataset_members(dataset_id, recording_id) ON DELETE CASCADE
);
CREATE INDEX dataset_windows_recording ON dataset_windows(dataset_id, recording_id);
`,
  },
  {
    version: 4,
    name: 'a clock model per sensor stream',
    sql: `
-- A recording may hold several wearables, each logging at its own clock: one model per sensor stream,
-- sensor_time = video_time * (1 + drift) + offset on that stream's clock. A stream without a row
-- follows its recording's clock_alignments row (the identity when that has none either).
CREATE TABLE stream_alignments (
  stream_id INTEGER PRIMARY KEY REFERENCES streams(id) ON DELETE CASCADE,
  offset_s REAL NOT NULL DEFAULT 0,
  drift REAL NOT NULL DEFAULT 0,
  method TEXT NOT NULL DEFAULT 'none',
  detail TEXT NOT NULL DEFAULT '{}',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
`,
  },
];

export const latestSchemaVersion = migrations[migrations.length - 1].version;
