/** What the UI shows of a thrown value: an Error's message (a StudioError's arrives as one), else its text. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
