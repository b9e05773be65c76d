// One POP3 connection: bytes in through the line reader, one command at a
// time through the dispatcher (pipelined commands, RFC 2449 §6.6, queue up
// and are answered in order), replies out through the serializer. RETR and
// TOP stream from the blob with backpressure. STLS swaps the socket for a
// TLS one in place. A connection that ends any way but QUIT applies no
// deletions (RFC 1939 §6) and releases the maildrop lock.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { LoginGrant } from '../../../directory/api.ts';
import type { Logger } from '../../../log/logger.ts';
import type { Pop3Context, Pop3ListenerInfo, Pop3Reply, Pop3Services, Pop3Session, Pop3Settings, SaslStep } from '../context.ts';
import type { ParseResult } from '../wire/command-types.ts';
import { LineReader, type LineEvent } from '../wire/line-reader.ts';
import { MessageEncoder } from '../wire/message-encoder.ts';
import { parseCommand, parseSaslLine } from '../wire/parse-command.ts';
import { multiLine, saslChallenge, statusLine } from '../wire/serialize.ts';
import { dispatch, failure } from './dispatcher.ts';
import { dropMaildrop } from './session-state.ts';
import { LOGIN_RECHECK_MS } from '../../../directory/auth-service.ts';

/**
 * RFC 2449 §4 caps commands at 255 octets, but an AUTH PLAIN initial
 * response with 255-octet fields (RFC 4616 §2) is longer; 2048 covers both
 * and still bounds memory.
 */
export const MAX_LINE = 2048;
/** Pipelined lines buffered before the socket is paused. */
const MAX_QUEUED_LINES = 64;

export interface ConnectionDeps {
  services: Pop3Services;
  listener: Pop3ListenerInfo;
  settings: Pop3Settings;
  logger: Logger;
  idleTimeoutMs: number;
  /** From connect to login, whatever the client sends meanwhile (pop3.preAuthTimeoutSeconds). */
  preAuthTimeoutMs: number;
  /** For STLS; null when the listener offers none. */
  secureContext: SecureContext | null;
}

export function servePop3Connection(initial: Socket, secure: boolean, deps: ConnectionDeps): void {
  let socket: Socket = initial;
  const abort = new AbortController();
  const session: Pop3Session = {
    id: randomUUID(), state: 'authorization', secure, remoteAddress: initial.remoteAddress ?? null,
    pendingUser: null, utf8: false, authFailures: 0, badCommands: 0, actor: null, maildrop: null,
  };
  const logger = deps.logger.child({ proto: 'pop3', conn: session.id, ip: session.remoteAddress, listener: deps.listener.name });
  let unwatch: (() => void) | null = null;
  let grant: LoginGrant | null = null;
  let grantCheckedAt = 0;
  /** Set when an account event ends the session; it closes once the command in progress is answered. */
  let ending = false;
  // A login deadline, not an idle timer: a client sending NOOPs cannot hold an unauthenticated connection (issue 16 item 1).
  // RFC 1939 §3's ten-minute minimum is for the autologout of a session, which stays idleTimeoutMs.
  const loginDeadline = setTimeout(() => {
    if (session.state === 'authorization' && !closing) void write(statusLine(false, 'Too slow to log in; closing')).then(finish);
  }, deps.preAuthTimeoutMs);
  loginDeadline.unref();
  const ctx: Pop3Context = {
    session, services: deps.services, listener: deps.listener, settings: deps.settings, logger, signal: abort.signal,
    watchLogin(login) {
      clearTimeout(loginDeadline);
      const { accountId } = login;
      grant = login;
      grantCheckedAt = deps.settings.now();
      unwatch?.();
      unwatch = deps.services.bus.subscribe({ accountId }, (event) => {
        if (event.kind !== 'account') return;
        logger.info({ change: event.change }, 'pop3 session ended: account changed');
        // POP3 has no unsolicited replies: the connection closes as a dropped one would, applying no deletions (RFC 1939 §6).
        ending = true;
        if (!busy) finish();
      });
    },
  };
  const reader = new LineReader(MAX_LINE);
  const queue: LineEvent[] = [];
  let pendingSasl: SaslStep | null = null;
  let busy = false;
  let closing = false;

  const write = (bytes: Buffer): Promise<void> => new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    if (socket.write(bytes)) return resolve();
    const done = (): void => { socket.off('drain', done); socket.off('close', done); resolve(); };
    socket.once('drain', done);
    socket.once('close', done);
  });

  const finish = (): void => {
    closing = true;
    queue.length = 0;
    socket.end();
  };

  async function sendMessage(reply: Extract<Pop3Reply, { type: 'message' }>): Promise<void> {
    let stream;
    try {
      stream = await reply.open();
    } catch (e) {
      await send(failure(ctx, e));
      return;
    }
    await write(statusLine(true, reply.text));
    const encoder = new MessageEncoder(reply.bodyLines);
    try {
      for await (const chunk of stream) {
        if (socket.destroyed) break;
        const out = encoder.push(chunk as Buffer);
        if (out.length > 0) await write(out);
        if (encoder.done) break;
      }
    } catch (e) {
      // The status line is out: the client cannot be told cleanly, so the connection goes.
      logger.error({ err: e }, 'pop3: reading a message body failed');
      socket.destroy();
      return;
    } finally {
      stream.destroy();
    }
    await write(encoder.finish());
  }

  async function send(reply: Pop3Reply): Promise<void> {
    switch (reply.type) {
      case 'status':
        await write(statusLine(reply.ok, reply.text, reply.code));
        if (reply.after === 'close') finish();
        else if (reply.after === 'starttls') upgrade();
        return;
      case 'lines':
        return write(multiLine(reply.text, reply.lines));
      case 'challenge':
        pendingSasl = reply.next;
        return write(saslChallenge(reply.data));
      case 'message':
        return sendMessage(reply);
    }
  }

  /** A reset by the CLI or another node has no event here: the login is checked again now and then (AuthService.stillValid). */
  async function loginStands(): Promise<boolean> {
    if (!grant) return true;
    const now = deps.settings.now();
    if (now - grantCheckedAt < LOGIN_RECHECK_MS) return true;
    grantCheckedAt = now;
    if (await deps.services.auth.stillValid(grant)) return true;
    logger.info('pop3 session ended: the login no longer stands');
    finish();
    return false;
  }

  async function handle(event: LineEvent): Promise<void> {
    if (pendingSasl) {
      const step = pendingSasl;
      pendingSasl = null;
      const line = event.kind === 'line' ? parseSaslLine(event.line) : { kind: 'bad' as const };
      let reply: Pop3Reply;
      try {
        reply = await step(ctx, line);
      } catch (e) {
        reply = failure(ctx, e);
      }
      return send(reply);
    }
    const parsed: ParseResult = event.kind === 'too-long'
      ? { ok: false, error: { code: 'line-too-long', message: 'Line too long' } }
      : parseCommand(event.line);
    return send(await dispatch(ctx, parsed));
  }

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0 && !closing && !socket.destroyed) {
        socket.setTimeout(deps.idleTimeoutMs);
        if (!await loginStands()) break;
        await handle(queue.shift()!);
      }
    } catch (e) {
      logger.error({ err: e }, 'pop3 connection failed');
      socket.destroy();
    } finally {
      busy = false;
    }
    if (ending && !closing) finish();
    if (queue.length < MAX_QUEUED_LINES && socket.isPaused()) socket.resume();
  }

  const onData = (chunk: Buffer): void => {
    if (closing) return;
    queue.push(...reader.push(chunk));
    if (queue.length >= MAX_QUEUED_LINES) socket.pause();
    void pump();
  };

  const onTimeout = (): void => {
    // RFC 1939 §3 autologout: close without entering UPDATE.
    void write(statusLine(false, 'Idle timeout; closing')).then(finish);
  };

  const attach = (s: Socket): void => {
    socket = s;
    s.on('data', onData);
    s.on('timeout', onTimeout);
    s.on('error', (e) => logger.debug({ err: e }, 'pop3 socket error'));
    s.setTimeout(deps.idleTimeoutMs);
  };

  function upgrade(): void {
    // RFC 2595 §4 (and CVE-2011-0411): nothing sent in clear after STLS may be read as protected.
    queue.length = 0;
    reader.reset();
    pendingSasl = null;
    const plain = socket;
    plain.off('data', onData);
    plain.off('timeout', onTimeout);
    plain.setTimeout(0);
    const tls = new TLSSocket(plain, { isServer: true, secureContext: deps.secureContext! });
    tls.once('secure', () => {
      session.secure = true;
      logger.debug({ protocol: tls.getProtocol() }, 'pop3 STLS done');
    });
    attach(tls);
    if (plain.isPaused()) plain.resume();
  }

  initial.once('close', () => {
    closing = true;
    clearTimeout(loginDeadline);
    abort.abort();
    unwatch?.();
    const maildrop = dropMaildrop(session);
    maildrop?.lock.release().catch((e: unknown) => logger.warn({ err: e }, 'pop3: releasing the maildrop lock failed'));
  });

  attach(initial);
  void write(statusLine(true, `${deps.settings.hostname} Stoa POP3 server ready`));
}
