import { DEMO_DEFAULTS, generateDemo } from '../../datasets/demo/generate.ts';
import type { DemoClass } from '../../datasets/demo/skeleton.ts';
import { optionalNumber, progressBar, requireString, type Command } from '../command.ts';

export const demoDataCommand: Command = {
  path: ['demo-data'],
  summary: 'generate the synthetic demo dataset (stick-figure videos + wrist accelerometer)',
  usage: 'vskd demo-data --out <dir> [--seed N] [--per-class N] [--seconds S] [--classes A,B]',
  help: [
    '  --out DIR        the folder to write (created when missing; refused if it holds a dataset)',
    `  --seed N         the random seed: the same seed gives the same dataset (default ${DEMO_DEFAULTS.seed})`,
    `  --per-class N    recordings per class (default ${DEMO_DEFAULTS.perClass})`,
    `  --seconds S      length of each recording (default ${DEMO_DEFAULTS.seconds})`,
    `  --classes A,B    the classes to make (default ${DEMO_DEFAULTS.classes.join(',')})`,
    '',
    'Writes videos/<name>.mp4 (H.264), sensors/<name>.csv (t,acc_x,acc_y,acc_z in g, t on the',
    "sensor's own clock) and demo.json, which records each recording's true clock offset and drift.",
    'Import it with `vskd import demo <dir> --project <file.vskd>`.',
  ].join('\n'),
  positionals: 0,
  options: {
    out: { type: 'string' },
    seed: { type: 'string' },
    'per-class': { type: 'string' },
    seconds: { type: 'string' },
    classes: { type: 'string' },
  },
  async run(_positionals, values, io) {
    const started = performance.now();
    const classes = typeof values.classes === 'string' ? (values.classes.split(',').map((c) => c.trim()).filter(Boolean) as DemoClass[]) : undefined;
    const out = requireString(values, 'out');
    const manifest = await generateDemo(out, {
      seed: optionalNumber(values, 'seed'),
      perClass: optionalNumber(values, 'per-class'),
      seconds: optionalNumber(values, 'seconds'),
      classes,
      onProgress: progressBar(io, 'generating'),
    });
    const seconds = (performance.now() - started) / 1000;
    io.out(`wrote ${manifest.recordings.length} recordings (${manifest.classes.length} classes) to ${out} in ${seconds.toFixed(1)} s`);
  },
};
