/** The types of electronWindow.js, which stays JavaScript: `npm start` runs it with plain node. */
export function electronBinary(): { binary: string; reason?: undefined } | { reason: string; binary?: undefined };
export function whyNoWindow(): string | null;
