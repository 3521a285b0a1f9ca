import { main } from './main.ts';

main().then((code) => {
  process.exitCode = code;
});
