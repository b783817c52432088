#!/usr/bin/env node
// The `vskd` command: runs main/cli (TypeScript) through tsx, so the CLI and the studio share one source.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
