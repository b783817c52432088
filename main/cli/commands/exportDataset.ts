/** vskd export-dataset: a dataset's splits as NumPy files (GAF images, raw sensor windows, video frames) with a manifest. */
import { DEFAULT_EXPORT_FRAME_SIZE } from '../../shared/exportSettings.ts';
import { gafMethods, gafVariants } from '../../shared/trainSettings.ts';
import { defaultJob } from '../../train/runs.ts';
import { doneResult } from '../../shared/jobResult.ts';
import { jobFailure, listOf, oneOf, optionalWhole, progressBar, requireString, type Command } from '../command.ts';

export const exportDatasetCommand: Command = {
  usage: 'vskd export-dataset <project.vskd> --dataset NAME --out <dir> [--split train,val,test] [--what gaf,raw,frames] [--gaf-size N]',
  help: [
    '  --dataset NAME      the dataset (vskd dataset list)',
    '  --out DIR           <split>/labels.npy int64 [N], gaf.npy float32 [N, 3, S, S], raw.npy float32 [N, T, C]',
    '                      (zero-padded) + raw_lengths.npy int64 [N], frames.npy uint8 [N, K, H, W, 3]; manifest.json',
    '  --split LIST        splits to export (default train,val,test)',
    '  --what LIST         gaf, raw, frames (default gaf,raw, and frames when every recording has a video)',
    `  --gaf-size N        GAF image side (default ${defaultJob.student.gafSize})    --gaf-method summation|difference    --gaf-variant pyts|vskd`,
    `  --segments K        frames per recording, at the segment centres (default ${defaultJob.teacher.segments})`,
    `  --frame-size N      side of the frames (default ${DEFAULT_EXPORT_FRAME_SIZE})`,
    '',
    'Rerunning into the same folder keeps the files whose inputs and checksums are unchanged (resume).',
  ].join('\n'),
  positionals: 1,
  options: {
    dataset: { type: 'string' },
    out: { type: 'string' },
    split: { type: 'string' },
    what: { type: 'string' },
    'gaf-size': { type: 'string' },
    'gaf-method': { type: 'string' },
    'gaf-variant': { type: 'string' },
    segments: { type: 'string' },
    'frame-size': { type: 'string' },
  },
  async run([file], values, io, studio) {
    const out = requireString(values, 'out');
    const args = {
      dataset: requireString(values, 'dataset'),
      out,
      splits: listOf(values, 'split', ['train', 'val', 'test'] as const),
      what: listOf(values, 'what', ['gaf', 'raw', 'frames'] as const),
      gafSize: optionalWhole(values, 'gaf-size', 1),
      gafMethod: oneOf(values, 'gaf-method', gafMethods),
      gafVariant: oneOf(values, 'gaf-variant', gafVariants),
      segments: optionalWhole(values, 'segments', 1),
      frameSize: optionalWhole(values, 'frame-size', 1),
    };
    await studio.call('project.open', { path: file });
    const end = await studio.job((await studio.call('datasets.export', args)).job, (p) =>
      io.interactive ? progressBar(io, 'exporting')(p) : p.message && io.err(p.message),
    );
    const { dataset, splits, written, kept } = doneResult(end, 'export.dataset', jobFailure);
    const counts = Object.entries(splits).map(([split, n]) => `${split} ${n}`);
    io.out(`exported dataset ${dataset} (${counts.join(', ')} recordings) to ${out}: ${written} files written, ${kept} kept`);
  },
};
