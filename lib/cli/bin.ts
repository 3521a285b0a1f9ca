import { main } from './main.ts';
import { endQuietlyOnClosedPipe } from './stdio.ts';

endQuietlyOnClosedPipe();
main().then((code) => {
  process.exitCode = code;
});
