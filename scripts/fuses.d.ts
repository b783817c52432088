/** The types of fuses.js, which stays JavaScript: `npm start` runs it with plain node. */
import type { FuseV1Options } from '@electron/fuses';

export function studioFuses(packaged: boolean): Partial<Record<FuseV1Options, boolean>>;
export function fusesToFlip(binary: string, packaged: boolean): Promise<string[]>;
export function applyFuses(binary: string, options?: { packaged?: boolean }): Promise<string[]>;
