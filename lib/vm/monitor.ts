/** One command to a qemu's human monitor (a unix socket in the run directory). */
import { createConnection } from 'node:net';
import { VmError } from './errors.ts';

export function monitorCommand(socket: string, command: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let sent = false;
    const c = createConnection(socket);
    const timer = setTimeout(() => {
      c.destroy();
      reject(new VmError(`qemu monitor ${socket}: no answer to '${command}' within ${timeoutMs} ms`));
    }, timeoutMs);
    c.setEncoding('utf8');
    c.on('data', (chunk: string) => {
      out += chunk;
      // The banner ends with a prompt; after our command, the next prompt ends its answer.
      const prompts = out.split('(qemu)').length - 1;
      if (!sent && prompts >= 1) {
        sent = true;
        c.write(`${command}\n`);
      } else if (sent && prompts >= 2) {
        clearTimeout(timer);
        c.end();
        const answer = out.split('(qemu)').slice(1, -1).join('');
        // The monitor echoes the command with terminal escapes; the answer starts after that line.
        const nl = answer.indexOf('\r\n');
        resolve((nl >= 0 ? answer.slice(nl + 2) : '').replace(/\r/g, '').trim());
      }
    });
    c.on('error', (e) => {
      clearTimeout(timer);
      reject(new VmError(`qemu monitor ${socket}: ${e.message}`));
    });
  });
}
