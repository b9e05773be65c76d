// One benchmark client thread: `connections` SMTP connections to the MX
// listener, each sending prebuilt messages back to back over one session the
// way an MTA reuses a connection (RFC 2920 PIPELINING: MAIL, RCPT and DATA in
// one write). Runs in a worker thread so that building and sending messages
// does not share an event loop with the coordinator, and the server (another
// process) is what is measured. Reports every 250's latency.
import { connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface ClientJob {
  port: number;
  connections: number;
  /** Messages this worker sends in all (shared by its connections). */
  messages: number;
  /** Message text after the headers this client writes, CRLF lines, no leading dots. */
  body: string;
  recipients: string[];
  /** Distinguishes Message-IDs between workers and rounds (the duplicate guard collapses repeats). */
  tag: string;
  /** One message per connection (connect, EHLO, one transaction, QUIT), as a sender without connection reuse does. */
  perConnection?: boolean;
}

export interface ClientResult { sent: number; latenciesMs: number[]; errors: string[] }

class Connection {
  readonly #socket: Socket;
  #buffer = '';
  #waiting: ((reply: string) => void) | null = null;
  #closed: Error | null = null;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.#buffer += d;
      this.#deliver();
    });
    const fail = (err?: Error): void => {
      this.#closed = err ?? new Error('connection closed');
      this.#deliver();
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  #deliver(): void {
    if (!this.#waiting) return;
    const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.#buffer);
    if (m) {
      this.#buffer = this.#buffer.slice(m[0].length);
      const w = this.#waiting;
      this.#waiting = null;
      w(m[0].trimEnd());
    } else if (this.#closed) {
      const w = this.#waiting;
      this.#waiting = null;
      w(`closed: ${this.#closed.message}`);
    }
  }

  reply(): Promise<string> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#deliver();
    });
  }

  write(data: string | Buffer): void {
    this.#socket.write(data);
  }

  async expect(code: string): Promise<void> {
    const r = await this.reply();
    if (!r.startsWith(code)) throw new Error(`expected ${code}, got ${r}`);
  }

  close(): void {
    this.#socket.end('QUIT\r\n');
  }
}

async function run(job: ClientJob): Promise<ClientResult> {
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  const body = Buffer.from(job.body, 'latin1');
  let next = 0;
  const worker = async (c: number): Promise<void> => {
    if (job.perConnection) {
      // A fresh connection per message; the latency counts from connect to the 250 after DATA.
      while (next < job.messages) {
        const i = next++;
        const to = job.recipients[i % job.recipients.length];
        const t0 = performance.now();
        let conn: Connection | null = null;
        try {
          conn = await Connection.open(job.port);
          await conn.expect('220');
          conn.write('EHLO bench-client.remote.example\r\n');
          await conn.expect('250');
          conn.write(`MAIL FROM:<bench@remote.example>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
          await conn.expect('250');
          await conn.expect('250');
          await conn.expect('354');
          conn.write(`From: bench@remote.example\r\nTo: ${to}\r\nSubject: bench ${job.tag} ${i}\r\n`
            + `Date: ${new Date().toUTCString()}\r\nMessage-ID: <${job.tag}.${c}.${i}@remote.example>\r\n`
            + 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n');
          conn.write(body);
          conn.write('.\r\n');
          const r = await conn.reply();
          if (!r.startsWith('250')) errors.push(r);
          else latenciesMs.push(performance.now() - t0);
        } catch (err) {
          errors.push(String(err));
        } finally {
          conn?.close();
        }
      }
      return;
    }
    const conn = await Connection.open(job.port);
    try {
      await conn.expect('220');
      conn.write('EHLO bench-client.remote.example\r\n');
      await conn.expect('250');
      while (next < job.messages) {
        const i = next++;
        const to = job.recipients[i % job.recipients.length];
        const head = `From: bench@remote.example\r\nTo: ${to}\r\nSubject: bench ${job.tag} ${i}\r\n`
          + `Date: ${new Date().toUTCString()}\r\nMessage-ID: <${job.tag}.${c}.${i}@remote.example>\r\n`
          + 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n';
        const t0 = performance.now();
        conn.write(`MAIL FROM:<bench@remote.example>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
        await conn.expect('250');
        await conn.expect('250');
        await conn.expect('354');
        conn.write(head);
        conn.write(body);
        conn.write('.\r\n');
        const r = await conn.reply();
        if (!r.startsWith('250')) {
          errors.push(r);
          continue;
        }
        latenciesMs.push(performance.now() - t0);
      }
    } catch (err) {
      errors.push(String(err));
    } finally {
      conn.close();
    }
  };
  await Promise.all(Array.from({ length: job.connections }, (_, c) => worker(c)));
  return { sent: latenciesMs.length, latenciesMs, errors };
}

if (parentPort) {
  const result = await run(workerData as ClientJob);
  parentPort.postMessage(result);
}
