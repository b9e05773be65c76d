// A small IMAP client for the mixed-load benchmark (mixed.ts): reads whole
// responses (literals included, RFC 9051 §4.3), keeps the selected mailbox's
// view (EXISTS, EXPUNGE, announced FLAGS) and counts protocol errors a real
// client would trip over: a tagged NO/BAD nobody expected, a FETCH for a
// sequence number beyond EXISTS, EXISTS shrinking without EXPUNGE, a keyword
// in FETCH before the mailbox's FLAGS named it (RFC 9051 §7.3.5), a
// connection that drops. It is deliberately not a full parser: enough to
// frame responses and check those rules, cheap enough that 50 of them share
// one event loop with little CPU.
import { connect, type Socket } from 'node:net';

export interface CommandResult { status: 'OK' | 'NO' | 'BAD'; text: string; untagged: string[] }

/** What the client saw wrong; counted by the benchmark as protocol errors. */
export type ErrorSink = (what: string) => void;

const LITERAL_AT_END = /\{(\d+)\+?\}$/;
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

export class ImapClient {
  readonly #socket: Socket;
  #buf: Buffer = Buffer.alloc(0);
  #wake: (() => void) | null = null;
  #closed = false;
  #n = 0;
  readonly #onError: ErrorSink;
  /** The selected mailbox as this session knows it. */
  exists = 0;
  flags = new Set<string>();
  selected: string | null = null;

  private constructor(socket: Socket, onError: ErrorSink) {
    this.#socket = socket;
    this.#onError = onError;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
      this.#wake?.();
    });
    const end = (): void => {
      this.#closed = true;
      this.#wake?.();
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  static async open(host: string, port: number, onError: ErrorSink): Promise<ImapClient> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new ImapClient(socket, onError);
    const greeting = await c.#response();
    if (!greeting.startsWith('* OK')) throw new Error(`greeting: ${greeting.slice(0, 200)}`);
    return c;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** One response: a line, with each literal it announces read and replaced by a placeholder. */
  async #response(): Promise<string> {
    let text = '';
    let from = 0;
    for (;;) {
      const eol = this.#buf.indexOf('\r\n', from);
      if (eol < 0) {
        await this.#more();
        continue;
      }
      const line = this.#buf.toString('latin1', from, eol);
      const lit = LITERAL_AT_END.exec(line);
      if (!lit) {
        this.#buf = this.#buf.subarray(eol + 2);
        return text + line;
      }
      const size = Number(lit[1]);
      const end = eol + 2 + size;
      if (this.#buf.length < end) {
        // Keep what was read: the line is parsed again once the literal is in.
        await this.#more();
        continue;
      }
      text += `${line.slice(0, lit.index)}{LIT${size}}`;
      from = end;
    }
  }

  async #more(): Promise<void> {
    if (this.#closed) throw new Error('connection closed');
    await new Promise<void>((resolve) => { this.#wake = resolve; });
    this.#wake = null;
    if (this.#closed && this.#buf.length === 0) throw new Error('connection closed');
  }

  #untagged(line: string): void {
    let m = /^\* (\d+) (EXISTS|EXPUNGE|FETCH)\b/.exec(line);
    if (m) {
      const n = Number(m[1]);
      if (m[2] === 'EXISTS') {
        if (n < this.exists) this.#onError(`EXISTS went down from ${this.exists} to ${n} without EXPUNGE`);
        this.exists = n;
      } else if (m[2] === 'EXPUNGE') {
        if (n > this.exists || n < 1) this.#onError(`EXPUNGE ${n} with ${this.exists} messages`);
        this.exists -= 1;
      } else {
        if (n > this.exists || n < 1) this.#onError(`FETCH ${n} with ${this.exists} messages`);
        const f = /\bFLAGS \(([^)]*)\)/.exec(line.replace(QUOTED, '""'));
        if (f && this.selected) {
          for (const flag of f[1].split(' ')) {
            if (flag === '' || flag.startsWith('\\')) continue;
            if (!this.flags.has(flag.toLowerCase())) this.#onError(`keyword ${flag} in FETCH before FLAGS announced it`);
          }
        }
      }
      return;
    }
    m = /^\* FLAGS \(([^)]*)\)/.exec(line);
    if (m) this.flags = new Set(m[1].split(' ').filter(Boolean).map((f) => f.toLowerCase()));
  }

  /** Sends one command (literals as synchronizing literals, waiting for "+"), reads to its tagged answer. */
  async command(text: string, literal?: Buffer): Promise<CommandResult> {
    const tag = `t${++this.#n}`;
    const untagged: string[] = [];
    if (literal) {
      this.#socket.write(`${tag} ${text} {${literal.length}}\r\n`);
      for (;;) {
        const r = await this.#response();
        if (r.startsWith('+')) break;
        if (r.startsWith(`${tag} `)) return this.#tagged(tag, r, untagged);
        untagged.push(r);
        this.#untagged(r);
      }
      this.#socket.write(literal);
      this.#socket.write('\r\n');
    } else {
      this.#socket.write(`${tag} ${text}\r\n`);
    }
    for (;;) {
      const r = await this.#response();
      if (r.startsWith(`${tag} `)) return this.#tagged(tag, r, untagged);
      if (r.startsWith('* ')) {
        untagged.push(r);
        this.#untagged(r);
      } else if (!r.startsWith('+')) {
        this.#onError(`unexpected line: ${r.slice(0, 100)}`);
      }
    }
  }

  #tagged(tag: string, line: string, untagged: string[]): CommandResult {
    const m = /^\S+ (OK|NO|BAD)\b ?(.*)$/.exec(line);
    if (!m) {
      this.#onError(`malformed tagged line: ${line.slice(0, 100)}`);
      return { status: 'BAD', text: line, untagged };
    }
    void tag;
    return { status: m[1] as CommandResult['status'], text: m[2], untagged };
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
