/** The colour each label is drawn in: its own, else one of a palette by its place in the schema. */
export const PALETTE = ['#4fa3ff', '#ff9f43', '#2ecc71', '#e056fd', '#f6e05e', '#ff6b6b', '#48dbfb', '#a3cb38', '#c8a2ff', '#ff9ff3'];

export function labelColours(labels: readonly { id: number; color: string | null }[]): Map<number, string> {
  return new Map(labels.map((l, i) => [l.id, l.color ?? PALETTE[i % PALETTE.length]]));
}

/** the colour a new label gets: the next of the palette */
export const nextColour = (labelCount: number) => PALETTE[labelCount % PALETTE.length];
