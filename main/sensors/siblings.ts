/**
 * Recordings far shorter than the others of one import: in a folder of repetitions of the same
 * actions, a file a fraction of the usual length is most often a logger stopped early or a file
 * cut off, worth a line in the import summary before anyone trains on it.
 */

export interface SiblingLength {
  /** the file (or recording name) the warning names */
  file: string;
  /** the recording's length in seconds */
  seconds: number;
}

/** A set this small has no usual length to compare with. */
const MIN_SIBLINGS = 3;
/** Shorter than this fraction of the median length: flagged. */
export const SHORT_SIBLING_FRACTION = 1 / 3;

/** The items shorter than `fraction` of the set's median length, each with its warning line. */
export function shortSiblings<T extends SiblingLength>(items: T[], fraction = SHORT_SIBLING_FRACTION): { item: T; warning: string }[] {
  if (items.length < MIN_SIBLINGS) return [];
  const sorted = items.map((i) => i.seconds).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return items
    .filter((item) => item.seconds < fraction * median)
    .map((item) => ({
      item,
      warning:
        `${item.file}: ${item.seconds.toFixed(2)} s long, under ${Math.round(fraction * 100)}% of the median ` +
        `${median.toFixed(2)} s of the ${items.length} files imported with it (cut short?)`,
    }));
}

/** A sensor table's length in seconds: its last timestamp plus one step, or rows / rate. */
export function tableSeconds(table: { rows: number; rate: number; timestamps: Float64Array | null }): number {
  const { rows, rate, timestamps } = table;
  return timestamps ? timestamps[rows - 1] + 1 / rate : rows / rate;
}
