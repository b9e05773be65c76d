// One ManageSieve connection: bytes in through the line reader, one line at
// a time through the dispatcher (or the pending SASL step), replies out
// through the serializer. Pipelined lines queue up and are answered in
// order. STARTTLS swaps the socket for a TLS one in place, drops anything
// sent in clear after the command (CVE-2011-0411) and re-sends the
// capabilities (RFC 5804 §2.2). A short timeout applies until login, a
// longer one after.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Logger } from '../../../log/logger.ts';
import type { Admission, ConnectionPool } from '../../../operations/connection-gate.ts';
import { capabilities } from '../commands/capability.ts';
import type { ManageSieveContext, ManageSieveReply, ManageSieveServices, ManageSieveSession, ManageSieveSettings, SaslStep } from '../context.ts';
import { LineReader, type ReaderEvent, type ReaderLimits } from '../wire/line-reader.ts';
import { parseCommand, parseSaslLine } from '../wire/parse-command.ts';
import { response, saslChallenge } from '../wire/serialize.ts';
import { dispatch, failure } from './dispatcher.ts';

const MAX_QUEUED_LINES = 32;

export interface ConnectionDeps {
  services: ManageSieveServices;
  settings: ManageSieveSettings;
  logger: Logger;
  preAuthTimeoutMs: number;
  idleTimeoutMs: number;
  limits: ReaderLimits;
  /** For STARTTLS; null when none is offered. */
  secureContext: SecureContext | null;
  /** Sessions per account and client address (managesieve.maxSessionsPerAccountIp). */
  sessions: Pick<ConnectionPool, 'admitSession'>;
}

export function serveManageSieveConnection(initial: Socket, deps: ConnectionDeps): { shutdown(): void } {
  let socket: Socket = initial;
  const session: ManageSieveSession = {
    id: randomUUID(), secure: false, remoteAddress: initial.remoteAddress ?? null, account: null, actor: null, authFailures: 0, badCommands: 0,
  };
  const logger = deps.logger.child({ proto: 'managesieve', conn: session.id, ip: session.remoteAddress, listener: 'managesieve' });
  let claim: Admission | null = null;
  const ctx: ManageSieveContext = {
    session, services: deps.services, settings: deps.settings, logger, connectionLogger: logger,
    claimSession(accountId) {
      // After UNAUTHENTICATE the connection's earlier login stops counting when it logs in again.
      claim?.release();
      claim = null;
      const admitted = deps.sessions.admitSession(accountId, session.remoteAddress ?? '');
      if (!admitted.ok) return false;
      claim = admitted;
      return true;
    },
  };
  // A login deadline, not only an idle timer: CAPABILITY every few seconds cannot hold an unauthenticated connection.
  const loginDeadline = setTimeout(() => {
    if (session.account === null && !closing) void write(response('BYE', 'Too slow to log in; closing')).then(finish);
  }, deps.preAuthTimeoutMs);
  loginDeadline.unref();
  const reader = new LineReader(deps.limits);
  const queue: ReaderEvent[] = [];
  let pendingSasl: SaslStep | null = null;
  let busy = false;
  let closing = false;

  const timeout = (): number => (session.account === null ? deps.preAuthTimeoutMs : deps.idleTimeoutMs);

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

  async function send(reply: ManageSieveReply): Promise<void> {
    switch (reply.type) {
      case 'data':
        await write(reply.body);
        return send(reply.then);
      case 'challenge':
        pendingSasl = reply.next;
        return write(saslChallenge(reply.data));
      case 'response':
        await write(response(reply.kind, reply.text, reply.code));
        if (reply.after === 'close' || reply.kind === 'BYE') finish();
        else if (reply.after === 'starttls') upgrade();
    }
  }

  async function handle(event: ReaderEvent): Promise<void> {
    if (pendingSasl) {
      const step = pendingSasl;
      pendingSasl = null;
      const line = event.kind === 'line' ? parseSaslLine(event.tokens) : { kind: 'bad' as const };
      let reply: ManageSieveReply;
      try {
        reply = await step(ctx, line);
      } catch (err) {
        reply = failure(ctx, err);
      }
      return send(reply);
    }
    if (event.kind === 'bad') {
      session.badCommands += 1;
      if (event.reason === 'literal-too-large') return send({ type: 'response', kind: 'NO', text: event.message, code: 'QUOTA/MAXSIZE' });
      return send(session.badCommands >= 10 ? { type: 'response', kind: 'BYE', text: 'Too many bad commands; closing' } : { type: 'response', kind: 'NO', text: event.message });
    }
    // An empty line (an extra CRLF some clients send after a literal) is not a command and gets no answer.
    if (event.tokens.length === 0) return;
    return send(await dispatch(ctx, parseCommand(event.tokens)));
  }

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0 && !closing && !socket.destroyed) {
        await handle(queue.shift()!);
        socket.setTimeout(timeout());
      }
    } catch (err) {
      logger.error({ err }, 'managesieve connection failed');
      socket.destroy();
    } finally {
      busy = false;
    }
    if (queue.length < MAX_QUEUED_LINES && socket.isPaused()) socket.resume();
  }

  const onData = (chunk: Buffer): void => {
    if (closing) return;
    queue.push(...reader.push(chunk));
    if (queue.length >= MAX_QUEUED_LINES) socket.pause();
    void pump();
  };

  const onTimeout = (): void => {
    void write(response('BYE', session.account === null ? 'Too slow to log in; closing' : 'Idle timeout; closing')).then(finish);
  };

  const attach = (s: Socket): void => {
    socket = s;
    s.on('data', onData);
    s.on('timeout', onTimeout);
    s.on('error', (err) => logger.debug({ err }, 'managesieve socket error'));
    s.setTimeout(timeout());
  };

  function upgrade(): void {
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
      logger.debug({ protocol: tls.getProtocol() }, 'managesieve STARTTLS done');
      // RFC 5804 §2.2: the capabilities again, now that TLS changes them.
      void write(Buffer.concat([capabilities(ctx), response('OK', 'TLS negotiation successful')]));
    });
    attach(tls);
    if (plain.isPaused()) plain.resume();
  }

  initial.once('close', () => {
    closing = true;
    clearTimeout(loginDeadline);
    claim?.release();
  });

  attach(initial);
  void write(Buffer.concat([capabilities(ctx), response('OK', 'Stoa ManageSieve ready')]));
  return {
    shutdown() {
      if (!socket.destroyed) socket.end(response('BYE', 'Server shutting down', 'TRYLATER'));
      socket.destroySoon();
    },
  };
}
