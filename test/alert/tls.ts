/** A real test certificate for 127.0.0.1 made with `openssl req` and an HTTPS receiver on loopback. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { scratch } from '../helpers/agent.ts';

export interface TestCert {
  key: Buffer;
  cert: Buffer;
  certFile: string;
}

export function makeCert(): TestCert {
  const dir = scratch('tls');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=ocfkit-test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), certFile: join(dir, 'cert.pem') };
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

export async function receiver(cert: TestCert, handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `https://127.0.0.1:${port}/hook`, received };
}
