// Entry point of the built bin (dist/drbd-status-parser.cjs).
import { processIo, run } from './cli.ts';

process.exitCode = run(process.argv.slice(2), processIo);
