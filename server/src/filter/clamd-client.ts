// ClamAV's clamd over TCP or a Unix socket: the INSTREAM command (clamd(8)):
// "zINSTREAM\0", then the data in chunks each preceded by its length as a
// 4-byte big-endian integer, then a zero length; clamd answers
// "stream: OK", "stream: <signature> FOUND" or "<reason> ERROR", NUL-ended
// for the z-prefixed form. clamd parses the mail itself (MIME, archives).
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';

export type ScanResult = { infected: false } | { infected: true; signature: string };

export interface ClamdAddress { socket: string | null; host: string; port: number }

/** Largest chunk we send; clamd reads chunks of any size up to StreamMaxLength overall. */
const CHUNK = 64 * 1024;

function open(address: ClamdAddress, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = address.socket ? connect(address.socket) : connect(address.port, address.host);
    const onAbort = (): void => { socket.destroy(new Error('clamd scan aborted')); };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
    socket.once('close', () => signal.removeEventListener('abort', onAbort));
  });
}

function write(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
}

/** Parses clamd's one-line answer. */
export function parseClamdReply(reply: string): ScanResult {
  const line = reply.replace(/\0/g, '').trim();
  const found = /^(?:stream|[^:]*):\s*(.+?)\s+FOUND$/.exec(line);
  if (found) return { infected: true, signature: found[1] };
  if (/:\s*OK$/.test(line)) return { infected: false };
  throw new Error(`clamd: ${line || 'empty reply'}`);
}

export async function clamdScan(address: ClamdAddress, data: Readable | Buffer, signal: AbortSignal): Promise<ScanResult> {
  const socket = await open(address, signal);
  try {
    const reply = new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      socket.on('data', (d: Buffer) => {
        chunks.push(d);
        if (d.includes(0)) resolve(Buffer.concat(chunks).toString('utf8'));
      });
      socket.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.once('error', reject);
    });
    // clamd may answer (size limit exceeded) and close before we finish: writes then fail, the reply says why.
    const send = async (): Promise<void> => {
      await write(socket, Buffer.from('zINSTREAM\0'));
      const source = Buffer.isBuffer(data) ? [data] : data;
      for await (const piece of source) {
        const buf = piece as Buffer;
        for (let i = 0; i < buf.length; i += CHUNK) {
          const part = buf.subarray(i, i + CHUNK);
          const len = Buffer.alloc(4);
          len.writeUInt32BE(part.length);
          await write(socket, Buffer.concat([len, part]));
        }
      }
      await write(socket, Buffer.alloc(4));
    };
    await Promise.race([send().catch(() => undefined), reply]);
    return parseClamdReply(await reply);
  } finally {
    socket.destroy();
  }
}

/** zPING → PONG: for `stoa doctor` and tests. */
export async function clamdPing(address: ClamdAddress, signal: AbortSignal): Promise<boolean> {
  const socket = await open(address, signal);
  try {
    const reply = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => { text += d.toString(); if (text.includes('\0')) resolve(text); });
      socket.once('end', () => resolve(text));
      socket.once('error', () => resolve(text));
    });
    await write(socket, Buffer.from('zPING\0'));
    return (await reply).replace(/\0/g, '').trim() === 'PONG';
  } finally {
    socket.destroy();
  }
}
