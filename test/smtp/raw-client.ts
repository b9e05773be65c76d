// A bare SMTP client over a socket: exact bytes out, whole replies in. For
// the inputs no well-behaved library will send (bare LF, NUL, garbage).
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export class RawSmtp {
  readonly socket: Socket;
  #buffer = '';
  #waiters: Array<() => void> = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.#buffer += d;
      for (const w of this.#waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number, tls = false): Promise<RawSmtp> {
    const socket = tls ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new RawSmtp(socket);
  }

  /** The next complete reply (all its lines), or '' when the server closed the connection first. */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.#buffer);
      if (m) {
        this.#buffer = this.#buffer.slice(m[0].length);
        return m[0].trimEnd();
      }
      if (this.closed) return '';
      if (Date.now() > deadline) throw new Error(`no reply within ${timeoutMs} ms; buffer: ${JSON.stringify(this.#buffer)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command line and returns its reply. */
  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Greeting, EHLO, MAIL FROM and RCPT TO; returns the connection ready for DATA. */
export async function envelope(port: number, from: string, to: string[]): Promise<RawSmtp> {
  const c = await RawSmtp.open(port);
  await c.reply();
  await c.command('EHLO client.example.org');
  const mail = await c.command(`MAIL FROM:<${from}>`);
  if (!mail.startsWith('250')) throw new Error(`MAIL FROM refused: ${mail}`);
  for (const rcpt of to) {
    const r = await c.command(`RCPT TO:<${rcpt}>`);
    if (!r.startsWith('250')) throw new Error(`RCPT TO refused: ${r}`);
  }
  return c;
}
