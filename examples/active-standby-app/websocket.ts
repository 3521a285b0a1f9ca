/**
 * A small WebSocket server (RFC 6455) on node:http + node:crypto, no dependency: the handshake,
 * text frames to clients, and the client's close and ping frames. Enough for the example's
 * "WebSocket service that must run only on the active node"; not a general implementation
 * (no fragmentation, no extensions). Client frames are bounded (64 KiB): a larger one closes
 * the connection.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const MAX_FRAME = 64 * 1024;

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** One unfragmented frame, server to client (never masked). */
export function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(n)]);
  return Buffer.concat([head, payload]);
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export interface WsServer {
  readonly port: number;
  readonly clients: number;
  broadcast(text: string): void;
  close(): Promise<void>;
}

export function startWebSocketServer(port: number, host: string, onMessage: (text: string) => void = () => {}): Promise<WsServer> {
  const clients = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('WebSocket only\n');
  });
  server.on('upgrade', (req, socket: Socket) => {
    const key = req.headers['sec-websocket-key'];
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
    clients.add(socket);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const parsed = readFrame(buffered);
        if (parsed === null) break;
        if (parsed === 'too-big') return void socket.destroy();
        buffered = buffered.subarray(parsed.size);
        if (parsed.opcode === 0x8) return void socket.end(frame(0x8, Buffer.alloc(0)));
        if (parsed.opcode === 0x9) socket.write(frame(0xa, parsed.payload));
        if (parsed.opcode === 0x1) onMessage(parsed.payload.toString('utf8'));
      }
      if (buffered.length > MAX_FRAME + 14) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => clients.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        get clients() {
          return clients.size;
        },
        broadcast(text) {
          const f = frame(0x1, Buffer.from(text));
          for (const c of clients) c.write(f);
        },
        close() {
          for (const c of clients) c.destroy();
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}

/** A client frame (masked), or null when incomplete. */
function readFrame(b: Buffer): { opcode: number; payload: Buffer; size: number } | 'too-big' | null {
  if (b.length < 2) return null;
  const opcode = b[0]! & 0x0f;
  let len = b[1]! & 0x7f;
  const masked = (b[1]! & 0x80) !== 0;
  let off = 2;
  if (len === 126) {
    if (b.length < 4) return null;
    len = b.readUInt16BE(2);
    off = 4;
  } else if (len === 127) {
    if (b.length < 10) return null;
    const big = b.readBigUInt64BE(2);
    if (big > BigInt(MAX_FRAME)) return 'too-big';
    len = Number(big);
    off = 10;
  }
  if (len > MAX_FRAME) return 'too-big';
  const maskLen = masked ? 4 : 0;
  if (b.length < off + maskLen + len) return null;
  const payload = Buffer.from(b.subarray(off + maskLen, off + maskLen + len));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= b[off + (i % 4)]!;
  return { opcode, payload, size: off + maskLen + len };
}
