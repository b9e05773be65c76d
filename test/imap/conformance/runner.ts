// The scripted conformance runner: each case is a list of commands, each
// with the untagged and tagged replies it must get (imap-responses.ts says
// how they are matched), sent over raw sockets by one or more sessions of a
// fresh account. The same cases run against Stoa (the *.test.ts files) and
// against Dovecot (compare-dovecot.ts), so an expectation states what the
// RFCs require, never what one server happens to say.
import { connect, type Socket } from 'node:net';
import { matches, parseResponse, render, substitute, type Captures, type Item, type RawResponse } from './imap-responses.ts';

/** A server under test: where it listens and how to get a fresh account for one case. */
export interface Target {
  name: string;
  host: string;
  port: number;
  newUser(): Promise<{ login: string; password: string }>;
}

export interface Step {
  /** Which session sends it ("a" unless named); a session connects and logs in on first use. */
  session?: string;
  /** The command without its tag; "${name}" is replaced by a captured value. Literals may be synchronizing or LITERAL+. */
  send: string;
  /** Untagged responses that must all appear, each matched by a different response, in any order. */
  untagged?: string[];
  /** The `untagged` responses must appear in the order given (other responses may come between). */
  ordered?: boolean;
  /** Untagged responses that must not appear. */
  absent?: string[];
  /** Expected completion: "OK" (default), "NO", "BAD", or with a response code ("NO [NONEXISTENT]"). */
  tagged?: string;
  /** Response codes ("HIGHESTMODSEQ ${_}") that must come in an untagged OK or in the tagged completion, where the RFC allows either. */
  codes?: string[];
  /** Regular expressions the raw bytes of some untagged response must match (literal forms, e.g. "~{0}"). */
  wire?: RegExp[];
}

export interface ConformanceCase {
  name: string;
  /** The RFC sections the expectations come from. */
  rfc: string;
  /** Capabilities the server must advertise after login, or the case is skipped. */
  requires?: string[];
  steps: Step[];
}

export interface CaseResult {
  name: string;
  rfc: string;
  status: 'pass' | 'fail' | 'skip';
  detail?: string;
}

/** One response as received: `text` for matching (literals as placeholders), `wire` as sent. */
interface Received { raw: RawResponse; wire: string; items: Item[] }

const COMMAND_TIMEOUT_MS = 15_000;

class Session {
  private readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private closed = false;
  private wake: (() => void) | null = null;
  private tags = 0;
  readonly name: string;
  capabilities = new Set<string>();

  private constructor(name: string, socket: Socket) {
    this.name = name;
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static async open(name: string, target: Target): Promise<Session> {
    const socket = connect({ host: target.host, port: target.port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const session = new Session(name, socket);
    await session.response();
    return session;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async more(deadline: number): Promise<void> {
    if (this.closed) throw new Error('connection closed by the server');
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('timed out waiting for the server');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      this.wake = () => { clearTimeout(timer); this.wake = null; resolve(); };
    });
  }

  /** Reads one logical response (a line and the literals it announces). */
  async response(deadline = Date.now() + COMMAND_TIMEOUT_MS): Promise<Received> {
    let text = '';
    let wire = '';
    const literals: string[] = [];
    for (;;) {
      const eol = this.buffer.indexOf('\r\n');
      if (eol < 0) {
        await this.more(deadline);
        continue;
      }
      const line = this.buffer.toString('latin1', 0, eol);
      this.buffer = this.buffer.subarray(eol + 2);
      const literal = /~?\{(\d+)\}$/.exec(line);
      if (!literal) {
        text += line;
        wire += line;
        return { raw: { text, literals }, wire, items: parseResponse({ text, literals }) };
      }
      const size = Number(literal[1]);
      while (this.buffer.length < size) await this.more(deadline);
      const value = this.buffer.toString('latin1', 0, size);
      this.buffer = this.buffer.subarray(size);
      text += line.slice(0, literal.index) + `{#${literals.length}}`;
      wire += line + '\r\n' + value;
      literals.push(value);
    }
  }

  /** Sends a command (waiting for "+" after each synchronizing literal) and collects responses up to its completion. */
  async command(command: string): Promise<{ untagged: Received[]; tagged: Received }> {
    const tag = `${this.name}${++this.tags}`;
    const untagged: Received[] = [];
    const deadline = Date.now() + COMMAND_TIMEOUT_MS;
    const pieces = command.split(/(?<=~?\{\d+\}\r\n)/);
    for (let i = 0; i < pieces.length; i++) {
      this.socket.write(Buffer.from((i === 0 ? `${tag} ` : '') + pieces[i] + (i === pieces.length - 1 ? '\r\n' : ''), 'latin1'));
      if (i === pieces.length - 1) break;
      for (;;) {
        const r = await this.response(deadline);
        if (r.raw.text.startsWith('+')) break;
        if (r.raw.text.startsWith(`${tag} `)) return { untagged, tagged: r };
        untagged.push(r);
      }
    }
    for (;;) {
      const r = await this.response(deadline);
      if (r.raw.text.startsWith(`${tag} `)) return { untagged, tagged: r };
      untagged.push(r);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function describe(r: Received): string {
  return r.wire.length > 400 ? `${r.wire.slice(0, 400)}…` : r.wire;
}

/** Checks one step's replies; returns what is wrong, or null. */
function check(step: Step, untagged: Received[], tagged: Received, captures: Captures): string | null {
  const problems: string[] = [];
  const used = new Set<number>();
  let after = -1;
  for (const expected of step.untagged ?? []) {
    const pattern = substitute(expected, captures);
    const k = untagged.findIndex((r, i) => !used.has(i) && (!step.ordered || i > after) && matches(pattern, r.items, captures));
    if (k < 0) problems.push(`missing${step.ordered ? ' (in this order)' : ''}: ${expected}`);
    else {
      used.add(k);
      after = k;
    }
  }
  for (const forbidden of step.absent ?? []) {
    const pattern = substitute(forbidden, captures);
    const hit = untagged.find((r) => matches(pattern, r.items, new Map(captures)));
    if (hit) problems.push(`unexpected: ${describe(hit)}`);
  }
  for (const code of step.codes ?? []) {
    const pattern = `$_ OK [${substitute(code, captures)}]`;
    if (![...untagged, tagged].some((r) => matches(pattern, r.items, captures))) problems.push(`no OK carries [${code}]`);
  }
  for (const re of step.wire ?? []) {
    if (!untagged.some((r) => re.test(r.wire))) problems.push(`no response matches ${re}`);
  }
  const want = step.tagged ?? 'OK';
  if (!matches(`TAG ${want}`, [{ t: 'atom', v: 'TAG' }, ...tagged.items.slice(1)], captures)) problems.push(`completion: wanted ${want}, got ${describe(tagged)}`);
  return problems.length === 0 ? null : problems.join('\n  ');
}

/** Runs one case on fresh sessions of a fresh account. */
export async function runCase(target: Target, c: ConformanceCase): Promise<CaseResult> {
  const user = await target.newUser();
  const sessions = new Map<string, Session>();
  const captures: Captures = new Map();
  const transcript: string[] = [];
  const base = { name: c.name, rfc: c.rfc };
  try {
    for (const step of c.steps) {
      const name = step.session ?? 'a';
      let session = sessions.get(name);
      if (!session) {
        session = await Session.open(name, target);
        sessions.set(name, session);
        const login = await session.command(`LOGIN ${JSON.stringify(user.login)} ${JSON.stringify(user.password)}`);
        if (!/^\S+ OK/.test(login.tagged.raw.text)) return { ...base, status: 'fail', detail: `login failed: ${login.tagged.wire}` };
        const caps = await session.command('CAPABILITY');
        for (const r of caps.untagged) if (r.items[1]?.t === 'atom' && r.items[1].v === 'CAPABILITY') r.items.slice(2).forEach((i) => session!.capabilities.add(render(i).toUpperCase()));
        const missing = (c.requires ?? []).filter((cap) => !session!.capabilities.has(cap.toUpperCase()));
        if (missing.length > 0) return { ...base, status: 'skip', detail: `server lacks ${missing.join(' ')}` };
      }
      const command = substitute(step.send, captures);
      transcript.push(`${name}> ${command.length > 300 ? command.slice(0, 300) + '…' : command}`);
      let reply: Awaited<ReturnType<Session['command']>>;
      try {
        reply = await session.command(command);
      } catch (err) {
        return { ...base, status: 'fail', detail: `${(err as Error).message}\n${transcript.join('\n')}` };
      }
      for (const r of [...reply.untagged, reply.tagged]) transcript.push(`${name}< ${describe(r)}`);
      const problem = check(step, reply.untagged, reply.tagged, captures);
      if (problem) return { ...base, status: 'fail', detail: `${command}\n  ${problem}\n--- transcript\n${transcript.join('\n')}` };
    }
    return { ...base, status: 'pass' };
  } finally {
    for (const s of sessions.values()) s.close();
  }
}

/** "{N+}" literal of a text (LITERAL+, RFC 7888). */
export function literal(text: string): string {
  return `{${Buffer.byteLength(text, 'latin1')}+}\r\n${text}`;
}

/** A synchronizing "{N}" literal: the runner waits for the server's "+" continuation. */
export function syncLiteral(text: string): string {
  return `{${Buffer.byteLength(text, 'latin1')}}\r\n${text}`;
}

/** A plain message with CRLF line ends. */
export function message(headers: Record<string, string>, body = 'Hello.'): string {
  return Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + `\r\n${body}\r\n`;
}

/** An APPEND step of a message to a mailbox (LITERAL+), with optional flags. */
export function appendStep(mailbox: string, text: string, flags = '', extra: Partial<Step> = {}): Step {
  return { send: `APPEND ${mailbox}${flags ? ` (${flags})` : ''} ${literal(text)}`, ...extra };
}
