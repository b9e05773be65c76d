// SpamAssassin's spamd protocol (SPAMC/1.5, spamd(1p) "PROTOCOL"): one
// request per connection, "SYMBOLS SPAMC/1.5" with Content-length (and User)
// headers, a blank line and the message; the answer is "SPAMD/1.1 0 EX_OK",
// a "Spam: True ; 12.3 / 5.0" header, a blank line and the rule names.
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';

export interface SpamdAddress { socket: string | null; host: string | null; port: number; user: string | null }
export interface SpamdResult { score: number; required: number; spam: boolean; symbols: string[] }

/** Replies are small; a longer one is not spamd. */
const MAX_REPLY = 1024 * 1024;

export function parseSpamdReply(text: string): SpamdResult {
  const [head, body = ''] = text.split(/\r?\n\r?\n/, 2);
  const lines = head.split(/\r?\n/);
  const status = /^SPAMD\/[\d.]+\s+(\d+)\s+(.*)$/.exec(lines[0] ?? '');
  if (!status) throw new Error(`spamd: unexpected reply ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  if (status[1] !== '0') throw new Error(`spamd: ${status[2]} (code ${status[1]})`);
  const spam = lines.map((l) => /^Spam:\s*(True|False|Yes|No)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/i.exec(l)).find((m) => m !== null);
  const score = Number(spam?.[2]);
  const required = Number(spam?.[3]);
  // "1.2.3" matches the pattern but is NaN, 400 digits are Infinity: neither is a score.
  if (!spam || !Number.isFinite(score) || !Number.isFinite(required)) throw new Error('spamd: no Spam: header with a score in the reply');
  return {
    spam: /^(true|yes)$/i.test(spam[1]),
    score,
    required,
    symbols: body.split(/[,\s]+/).map((s) => s.trim()).filter((s) => /^[A-Z0-9_]+$/i.test(s)),
  };
}

export async function spamdCheck(address: SpamdAddress, message: Readable, size: number, signal: AbortSignal): Promise<SpamdResult> {
  const socket: Socket = address.socket ? connect(address.socket) : connect(address.port, address.host ?? '127.0.0.1');
  const onAbort = (): void => { socket.destroy(new Error('spamd check aborted')); };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const reply = new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let length = 0;
      socket.on('data', (d: Buffer) => {
        length += d.length;
        if (length > MAX_REPLY) socket.destroy(new Error('spamd reply too long'));
        else chunks.push(d);
      });
      socket.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    const head = `SYMBOLS SPAMC/1.5\r\nContent-length: ${size}\r\n${address.user ? `User: ${address.user}\r\n` : ''}\r\n`;
    socket.write(head);
    for await (const chunk of message) if (!socket.write(chunk as Buffer)) await new Promise((r) => socket.once('drain', r));
    // Half-close: spamd reads to Content-length, but the end tells it nothing more comes.
    socket.end();
    return parseSpamdReply(await reply);
  } finally {
    signal.removeEventListener('abort', onAbort);
    socket.destroy();
  }
}
