import { DEMO_DEFAULTS, SESSION_DRIFT } from '../../datasets/demo/generate.ts';
import { MIN_SESSION_SECONDS } from '../../datasets/demo/skeleton.ts';
import { optionalNumber, optionalString, optionalWhole, progressBar, requireString, type Command } from '../command.ts';

const ppm = (drift: number) => Math.round(drift * 1e6);

export const demoDataCommand: Command = {
  usage: 'vskd demo-data --out <dir> [--seed N] [--per-class N] [--seconds S] [--classes A,B] [--sessions N] [--session-seconds S]',
  help: [
    '  --out DIR            the folder to write (created when missing; refused if it holds a dataset)',
    `  --seed N             the random seed: the same seed gives the same dataset (default ${DEMO_DEFAULTS.seed})`,
    `  --per-class N        clips per class (default ${DEMO_DEFAULTS.perClass})`,
    `  --seconds S          length of each clip (default ${DEMO_DEFAULTS.seconds})`,
    `  --classes A,B        the classes to make (default ${DEMO_DEFAULTS.classes.join(',')})`,
    `  --sessions N         long sessions to make besides the clips (default ${DEMO_DEFAULTS.sessions}; 0 = none)`,
    `  --session-seconds S  length of each session (default ${DEMO_DEFAULTS.sessionSeconds}; 0 = no sessions, else ≥ ${MIN_SESSION_SECONDS})`,
    '',
    'Writes videos/<name>.mp4 (H.264), sensors/<name>.csv (t,acc_x,acc_y,acc_z in g, t on the',
    "sensor's own clock), skeletons/, the action segments as annotation CSVs (annotations/clips.csv",
    'and annotations/<session>.csv, for `vskd annotations import`) and demo.json, which records',
    "each recording's true clock offset and drift. A clip shows one action by one of the subjects,",
    'its sensor starting and ending with its video; a session shows the classes in turn with rests',
    `between, at ${DEMO_DEFAULTS.sessionWidth}×${DEMO_DEFAULTS.sessionHeight}, with a clock drift of ${ppm(SESSION_DRIFT[0])}–${ppm(SESSION_DRIFT[1])} ppm either way: long enough for`,
    'auto-sync to measure the drift. demo.json lists its actions (label, start, end in video time).',
    'Import it with `vskd import demo <dir> --project <file.vskd>`.',
  ].join('\n'),
  positionals: 0,
  options: {
    out: { type: 'string' },
    seed: { type: 'string' },
    'per-class': { type: 'string' },
    seconds: { type: 'string' },
    classes: { type: 'string' },
    sessions: { type: 'string' },
    'session-seconds': { type: 'string' },
  },
  async run(_positionals, values, io, studio) {
    const out = requireString(values, 'out');
    const { job } = await studio.call('demo.generate', {
      out,
      seed: optionalWhole(values, 'seed'),
      perClass: optionalWhole(values, 'per-class', 1),
      seconds: optionalNumber(values, 'seconds'),
      classes: optionalString(values, 'classes')
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean),
      sessions: optionalWhole(values, 'sessions'),
      sessionSeconds: optionalNumber(values, 'session-seconds'),
    });
    const end = await studio.job(job, progressBar(io, 'generating'));
    if (end.kind !== 'demo.generate' || !end.result) throw new Error(`${end.title}: ${end.status}${end.error ? `: ${end.error}` : ''}`);
    const { clips, classes, sessions, sessionSeconds, seconds } = end.result;
    const made = sessions ? ` and ${sessions} session${sessions > 1 ? 's' : ''} of ${sessionSeconds} s` : '';
    io.out(`wrote ${clips} clips (${classes} classes)${made} to ${out} in ${seconds.toFixed(1)} s`);
  },
};
