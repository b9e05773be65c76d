// One IMAP connection: bytes in through the wire CommandReader, one command
// at a time through the dispatcher, typed responses out through the one
// serializer. It owns the socket concerns and nothing else: back-pressure
// (socket.write() and 'drain', also for streamed FETCH literals), STARTTLS
// (RFC 9051 §6.2.1), COMPRESS=DEFLATE (RFC 4978), APPEND literals spooled to
// disk as they arrive, multi-step exchanges (AUTHENTICATE, IDLE) and the
// autologout timer (RFC 9051 §5.4).
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';
import { constants as zlib, createDeflateRaw, createInflateRaw, type DeflateRaw } from 'node:zlib';
import type { LoginGrant } from '../../../directory/api.ts';
import type { Admission, ConnectionPool } from '../../../operations/connection-gate.ts';
import { LOGIN_RECHECK_MS } from '../../../directory/auth-service.ts';
import type { ImapContext, ImapListenerInfo, ImapReply, ImapServices, ImapSettings, LineStep } from '../context.ts';
import { CommandReader, responseBytes, serializeResponse, type Response, type WireChunk } from '../wire/index.ts';
import type { Logger } from '../../../log/logger.ts';
import { capabilities } from './capabilities.ts';
import { dispatch, failure, wireFailure } from './dispatcher.ts';
import { enterLogout } from './session-state.ts';

/** RFC 9051 §5.4: at least 30 minutes for an authenticated client; before login, settings.preAuthTimeoutMs in all. */
const TIMEOUT_LOGGED_IN_MS = 30 * 60_000;
/** IDLE clients re-issue IDLE every 29 minutes (RFC 2177 §3); give them room. */
const TIMEOUT_IDLE_MS = 60 * 60_000;
/** Small responses are gathered up to this size before one socket write. */
const WRITE_BATCH = 64 * 1024;
/** Changes seen during IDLE are gathered this long, so a burst becomes one write. */
const IDLE_PUSH_DELAY_MS = 25;


export interface ConnectionDeps {
  services: ImapServices;
  listener: ImapListenerInfo;
  settings: ImapSettings;
  logger: Logger;
  /** For STARTTLS; null on a listener that cannot offer it. */
  secureContext: SecureContext | null;
  /** Sessions per account and client address (imap.maxSessionsPerAccountIp). */
  sessions: Pick<ConnectionPool, 'admitSession'>;
}

export class ImapConnection {
  readonly ctx: ImapContext;
  private readonly deps: ConnectionDeps;
  private readonly reader: CommandReader;
  private readonly abort = new AbortController();
  private raw: Socket;
  private input: Readable;
  private output: Writable;
  private deflate: DeflateRaw | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private running = false;
  private closed = false;
  /** Set while a literal's bytes are on the wire: an error then breaks the framing and ends the connection. */
  private midLiteral = false;
  private step: { tag: string; next: LineStep; idle: boolean } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly spools = new Map<number, { path: string; file: WriteStream }>();
  private unwatchAccount: (() => void) | null = null;
  private grant: LoginGrant | null = null;
  private grantCheckedAt = 0;
  /** Set when the session must end as soon as the command in progress is answered. */
  private pendingBye: string | null = null;
  /** This login's place under imap.maxSessionsPerAccountIp. */
  private sessionClaim: Admission | null = null;
  /** Ends a connection that has not logged in in time, however busy it keeps itself (issue 16 item 1). */
  private readonly loginDeadline: NodeJS.Timeout;
  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
    void this.pump();
  };

  constructor(socket: Socket, deps: ConnectionDeps, secure: boolean) {
    this.deps = deps;
    this.raw = socket;
    this.input = socket;
    this.output = socket;
    this.reader = new CommandReader({ maxAppendSize: deps.settings.appendLimit });
    const remoteAddress = socket.remoteAddress ?? null;
    const sessionId = randomUUID();
    this.ctx = {
      session: {
        id: sessionId, state: 'not-authenticated', secure, remoteAddress, account: null, actor: null, rev2: false, utf8: false,
        condstore: false, qresync: false, compressed: false, selected: null, savedUids: [], badCommands: 0, authFailures: 0,
      },
      services: deps.services,
      listener: deps.listener,
      settings: deps.settings,
      // One shape for every protocol's connection log: { proto, conn, ip } and, after login, user.
      logger: deps.logger.child({ proto: 'imap', conn: sessionId, ip: remoteAddress, listener: deps.listener.name }),
      signal: this.abort.signal,
      literals: { open: (index) => this.openSpool(index) },
      watchLogin: (grant) => this.watchLogin(grant),
      claimSession: (accountId) => this.claimSession(accountId),
    };
    socket.setNoDelay(true);
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.on('timeout', () => void this.timeout());
    socket.setTimeout(deps.settings.preAuthTimeoutMs);
    socket.on('data', this.onData);
    this.loginDeadline = setTimeout(() => {
      if (this.ctx.session.state === 'not-authenticated') void this.end('Too slow to log in; closing');
    }, deps.settings.preAuthTimeoutMs);
    this.loginDeadline.unref();
  }

  private claimSession(accountId: string): boolean {
    const claim = this.deps.sessions.admitSession(accountId, this.ctx.session.remoteAddress ?? '');
    if (!claim.ok) return false;
    this.sessionClaim?.release();
    this.sessionClaim = claim;
    return true;
  }

  /** What the connection holds beyond its socket: the login deadline and its place under the session cap. */
  private releaseHolds(): void {
    clearTimeout(this.loginDeadline);
    this.sessionClaim?.release();
    this.sessionClaim = null;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async greet(): Promise<void> {
    // RFC 9051 §7.1.1: the greeting may carry the capabilities, saving a round trip.
    await this.send([{ kind: 'untagged', status: 'OK', code: { code: 'CAPABILITY', capabilities: capabilities(this.ctx) }, text: `${this.deps.settings.hostname} Stoa IMAP4rev2 ready` }]);
  }

  /** Server shutdown: a BYE (RFC 9051 §7.1.5), then close. */
  async shutdown(): Promise<void> {
    await this.end('Server shutting down');
  }

  private async timeout(): Promise<void> {
    await this.end('Autologout; idle for too long');
  }

  /** Account events (change-bus.ts AccountChange): the credentials this session logged in with no longer stand. */
  private watchLogin(grant: LoginGrant): void {
    const { accountId } = grant;
    this.grant = grant;
    this.grantCheckedAt = this.deps.settings.now();
    this.unwatchAccount?.();
    this.unwatchAccount = this.deps.services.bus.subscribe({ accountId }, (event) => {
      if (event.kind !== 'account') return;
      this.ctx.logger.info({ change: event.change }, 'imap session ended: account changed');
      this.pendingBye = 'Your password was changed or your account was disabled; log in again';
      // A command being answered finishes first, so its literals are not cut in half (pump() ends the session then).
      if (!this.running) void this.end(this.pendingBye);
    });
  }

  /**
   * Checks now and then that the login still stands (AuthService.stillValid):
   * a password reset by the CLI or on another node has no event on this
   * node's bus. False when the session was ended.
   */
  private async loginStands(): Promise<boolean> {
    if (!this.grant) return true;
    const now = this.deps.settings.now();
    if (now - this.grantCheckedAt < LOGIN_RECHECK_MS) return true;
    this.grantCheckedAt = now;
    if (await this.deps.services.auth.stillValid(this.grant)) return true;
    this.ctx.logger.info('imap session ended: the login no longer stands');
    await this.end('Your password was changed or your account was disabled; log in again');
    return false;
  }

  /** A BYE with a reason (RFC 9051 §7.1.5), then close. */
  private async end(text: string): Promise<void> {
    if (this.closed) return;
    try {
      await this.send([{ kind: 'untagged', status: 'BYE', text }]);
    } catch {
      // The client may already be gone.
    }
    this.close();
  }

  close(): void {
    this.releaseHolds();
    if (this.closed) return;
    this.closed = true;
    this.unwatchAccount?.();
    this.unwatchAccount = null;
    this.abort.abort();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    enterLogout(this.ctx.session);
    void this.dropSpools();
    this.deflate?.destroy();
    this.raw.destroy();
  }

  private updateTimeout(): void {
    const { session } = this.ctx;
    const ms = this.step?.idle ? TIMEOUT_IDLE_MS : session.state === 'not-authenticated' ? this.deps.settings.preAuthTimeoutMs : TIMEOUT_LOGGED_IN_MS;
    this.raw.setTimeout(ms);
  }

  /** Reads events while there are any; only one runs at a time, and the socket is paused meanwhile. */
  private async pump(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    this.input.pause();
    try {
      for (;;) {
        if (this.closed) return;
        const event = this.reader.next();
        if (event === null) break;
        switch (event.kind) {
          case 'command':
            if (!await this.loginStands()) return;
            await this.run(event.command.tag, () => dispatch(this.ctx, event.command));
            await this.dropSpools();
            if (this.pendingBye !== null) {
              await this.end(this.pendingBye);
              return;
            }
            break;
          case 'error':
            await this.run(event.error.tag ?? '*', async () => wireFailure(this.ctx, event.error));
            await this.dropSpools();
            break;
          case 'continuation':
            await this.send([{ kind: 'continuation', text: 'Ready for literal' }]);
            break;
          case 'literal-start': {
            const path = join(this.deps.settings.spoolDir, `${this.ctx.session.id}-${event.index}-${randomUUID()}`);
            this.spools.set(event.index, { path, file: createWriteStream(path, { mode: 0o600 }) });
            break;
          }
          case 'literal-data': {
            const file = this.spools.get(event.index)!.file;
            if (!file.write(event.chunk)) await new Promise<void>((resolve) => { file.once('drain', resolve); file.once('error', () => resolve()); });
            break;
          }
          case 'literal-end': {
            const file = this.spools.get(event.index)!.file;
            await new Promise<void>((resolve, reject) => { file.end(() => resolve()); file.once('error', reject); });
            break;
          }
          case 'line':
            await this.runStep(event.line);
            break;
        }
      }
    } catch (err) {
      this.ctx.logger.error({ err }, 'imap connection failed');
      this.close();
    } finally {
      this.running = false;
      if (!this.closed) this.input.resume();
    }
  }

  private openSpool(index: number): Readable {
    const spool = this.spools.get(index);
    if (!spool) throw new Error(`no spooled literal ${index}`);
    return createReadStream(spool.path);
  }

  private async dropSpools(): Promise<void> {
    const all = [...this.spools.values()];
    this.spools.clear();
    await Promise.all(all.map(async ({ path, file }) => {
      file.destroy();
      await rm(path, { force: true });
    }));
  }

  private async runStep(line: Buffer): Promise<void> {
    const step = this.step;
    if (!step) return;
    this.step = null;
    this.stopIdlePush();
    this.reader.setMode('command');
    await this.run(step.tag, () => step.next(this.ctx, line));
  }

  /** Runs one handler (or step) and writes its reply; a failure after output began still ends in one tagged answer. */
  private async run(tag: string, handler: () => Promise<ImapReply>): Promise<void> {
    let reply: ImapReply;
    try {
      reply = await handler();
    } catch (err) {
      reply = failure(this.ctx, tag, err);
    }
    if (reply.type === 'continue') {
      await this.send([...reply.responses, reply.prompt]);
      this.step = { tag, next: reply.next, idle: reply.idle ?? false };
      this.reader.setMode('line');
      if (reply.idle) this.startIdlePush();
      this.updateTimeout();
      return;
    }
    let final: Response = reply.final;
    try {
      await this.send(reply.responses, false);
    } catch (err) {
      if (this.midLiteral || this.closed) {
        this.ctx.logger.warn({ err }, 'imap response broke off inside a literal; closing');
        this.close();
        return;
      }
      const failed = failure(this.ctx, tag, err);
      if (failed.type === 'done') final = failed.final;
    }
    await this.send([final]);
    // ENABLE UTF8=ACCEPT / IMAP4rev2 change how strings are read from the next command on (RFC 6855 §3).
    this.reader.setUtf8(this.ctx.session.utf8 || this.ctx.session.rev2);
    this.updateTimeout();
    if (reply.after === 'close') this.closeAfterFlush();
    else if (reply.after === 'starttls') this.startTls();
    else if (reply.after === 'compress') this.startCompression();
  }

  private closeAfterFlush(): void {
    this.releaseHolds();
    if (this.closed) return;
    this.closed = true;
    this.unwatchAccount?.();
    this.unwatchAccount = null;
    this.abort.abort();
    enterLogout(this.ctx.session);
    if (this.deflate) this.deflate.end();
    else this.raw.end();
    this.raw.once('finish', () => this.raw.destroy());
    setTimeout(() => this.raw.destroy(), 5000).unref();
  }

  /** RFC 9051 §6.2.1: TLS starts right after the OK; anything the client sent before the handshake is discarded. */
  private startTls(): void {
    const context = this.deps.secureContext;
    if (!context) return;
    this.raw.removeListener('data', this.onData);
    this.reader.reset();
    const tls = new TLSSocket(this.raw, { isServer: true, secureContext: context });
    tls.on('error', () => this.close());
    tls.once('secure', () => {
      this.ctx.session.secure = true;
    });
    this.input = tls;
    this.output = tls;
    tls.on('data', this.onData);
  }

  /** RFC 4978 §4: compression starts with the first byte after the tagged OK, in both directions. */
  private startCompression(): void {
    const inflate = createInflateRaw();
    const deflate = createDeflateRaw({ level: 6 });
    this.input.removeListener('data', this.onData);
    const rest = this.reader.takeBuffered();
    deflate.pipe(this.output);
    this.input.pipe(inflate);
    inflate.on('data', this.onData);
    inflate.on('error', () => this.close());
    deflate.on('error', () => this.close());
    if (rest.length > 0) inflate.write(rest);
    this.input = inflate;
    this.output = deflate;
    this.deflate = deflate;
    this.ctx.session.compressed = true;
  }

  private startIdlePush(): void {
    const selected = this.ctx.session.selected;
    if (!selected) return;
    selected.onChange = () => {
      if (this.idleTimer === null) this.idleTimer = setTimeout(() => void this.pushIdle(), IDLE_PUSH_DELAY_MS);
    };
    if (selected.hasPending) selected.onChange();
  }

  private stopIdlePush(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.ctx.session.selected) this.ctx.session.selected.onChange = null;
  }

  /** RFC 2177 §3: while idling, changes are sent as they happen. */
  private async pushIdle(): Promise<void> {
    this.idleTimer = null;
    const selected = this.ctx.session.selected;
    if (!selected || !this.step?.idle || this.closed) return;
    try {
      const { condstore, qresync, rev2 } = this.ctx.session;
      await this.send(await selected.flush(this.ctx.services, { allowExpunge: true, condstore, qresync, rev2 }));
    } catch (err) {
      this.ctx.logger.warn({ err }, 'imap IDLE update failed');
    }
  }

  /** Serializes and writes responses, honouring the socket's back-pressure; `flush` ends the batch. */
  private async send(responses: Iterable<Response> | AsyncIterable<Response>, flush = true): Promise<void> {
    const utf8 = this.ctx.session.utf8 || this.ctx.session.rev2;
    for await (const response of responses) {
      if (this.closed) throw new Error('connection closed');
      for (const chunk of serializeResponse(response, { utf8 })) await this.writeChunk(chunk);
    }
    if (flush) await this.flushOut();
  }

  private async writeChunk(chunk: WireChunk): Promise<void> {
    if (Buffer.isBuffer(chunk)) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes >= WRITE_BATCH) await this.flushOut(false);
      return;
    }
    await this.flushOut(false);
    this.midLiteral = true;
    for await (const piece of responseBytes([chunk])) await this.write(piece);
    this.midLiteral = false;
  }

  private async flushOut(end = true): Promise<void> {
    if (this.pendingBytes > 0) {
      const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      await this.write(data);
    }
    // RFC 4978 §4: flush the compressor at the end of each response batch, or the client waits forever.
    if (end && this.deflate) await new Promise<void>((resolve) => this.deflate!.flush(zlib.Z_SYNC_FLUSH, () => resolve()));
  }

  private async write(data: Buffer): Promise<void> {
    if (this.closed && !this.raw.writable) throw new Error('connection closed');
    if (this.output.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.output.removeListener('drain', done);
        this.raw.removeListener('close', done);
        resolve();
      };
      this.output.once('drain', done);
      this.raw.once('close', done);
    });
  }
}
