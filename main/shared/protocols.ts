/** The evaluation protocols' names (main/datasets/protocols.ts splits by them). */

/** subject-specific: trials 1–2 train, 3–4 test; cross-subject: odd subjects train, even test. */
export const protocols = ['cross-subject', 'subject-specific'] as const;
export type Protocol = (typeof protocols)[number];
