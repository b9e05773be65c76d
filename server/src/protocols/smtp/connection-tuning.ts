// What smtp-server offers no option for, added to its connection class once
// per process (like installEnhancedStatusPassThrough in smtp-reply.ts), and
// only for servers registered here with their settings:
//
// - AUTH is left out of the EHLO reply until STARTTLS when a password may
//   not travel in clear (issue 16 item 21; RFC 4954 §4 allows either, and
//   clients that see AUTH before TLS try it and get 538);
// - the greeting goes out at once: smtp-server holds every banner 100 ms to
//   catch clients that talk first. That check is a setting
//   (smtp.earlyTalkerDelayMs, MX only) and off by default (issue 16 item 16);
// - the idle timeout is asked of the front end every time it is armed, so a
//   connection that has not started a transaction gets a short one while the
//   listener is under pressure (Postfix's stress mode, issue 16 item 1).
//
// The methods wrapped are smtp-server internals (init, _isSupported,
// handler_EHLO, _onCommand, _sendGreeting, _armTimeout); test/smtp/submission-tls.test.ts and
// test/smtp/greeting-dns.test.ts fail if an upgrade changes them.
import type { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

export interface ConnectionTuning {
  /** Leave AUTH out of EHLO on a connection that is not (yet) TLS. */
  authAfterTls: boolean;
  /** Hold the banner this long and refuse clients that talk before it (0: banner at once). */
  greetingDelayMs: number;
  /** The idle timeout to arm now for this connection. */
  idleTimeoutMs(connection: TunedConnection): number;
}

/** What the tuning reads of an smtp-server connection. */
export interface TunedConnection {
  readonly secure: boolean;
  readonly session: { envelope?: { mailFrom?: unknown } };
  /** Re-arms the idle timer with whatever idleTimeoutMs answers now. */
  _armTimeout(): void;
}

interface Internals extends TunedConnection {
  _server: SMTPServer;
  _socket: { setTimeout(ms: number, cb: () => void): void };
  _onTimeout(): void;
  _closing: boolean;
  connectionReady(): void;
}

const tunings = new WeakMap<object, ConnectionTuning>();
let installed = false;

export function tuneServer(server: SMTPServer, tuning: ConnectionTuning): void {
  install();
  tunings.set(server, tuning);
}

/** The connections of a tuned server that are still open (smtp-server keeps them in a Set). */
export function openConnections(server: SMTPServer): Iterable<TunedConnection> {
  return (server as unknown as { connections: Set<TunedConnection> }).connections;
}

function install(): void {
  if (installed) return;
  installed = true;
  const proto = SMTPConnection.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;

  const isSupported = proto._isSupported;
  proto._isSupported = function isSupportedTuned(this: Internals & { _hideAuth?: boolean }, command: unknown) {
    if (this._hideAuth && String(command).toUpperCase() === 'AUTH') return false;
    return isSupported.call(this, command);
  };

  // handler_EHLO builds its feature list synchronously, so the flag covers exactly that reply.
  const ehlo = proto.handler_EHLO;
  proto.handler_EHLO = function ehloTuned(this: Internals & { _hideAuth?: boolean }, ...args: unknown[]) {
    const tuning = tunings.get(this._server);
    this._hideAuth = tuning !== undefined && tuning.authAfterTls && !this.secure;
    try {
      return ehlo.apply(this, args);
    } finally {
      this._hideAuth = false;
    }
  };

  const init = proto.init;
  proto.init = function initTuned(this: Internals & { _setListeners(cb: () => void): void }) {
    const tuning = tunings.get(this._server);
    if (!tuning) return init.call(this);
    this._setListeners(() => {
      const max = (this._server as unknown as { options: { maxClients?: number } }).options.maxClients;
      const open = (this._server as unknown as { connections: Set<unknown> }).connections.size;
      if (max && open > max) {
        (this as unknown as { send(code: number, text: string, context: boolean): void })
          .send(421, `${(this as unknown as { name: string }).name} Too many connected clients, try again in a moment`, false);
        return;
      }
      if (tuning.greetingDelayMs <= 0) {
        this.connectionReady();
        return;
      }
      // The early-talker check: a client that sends before the banner gets 421 (smtp-server's _ready flag).
      setTimeout(() => this.connectionReady(), tuning.greetingDelayMs).unref();
    });
  };

  // Without the early-talker check, a command sent before the banner is answered after it (as Postfix's
  // smtpd does) rather than refused: the parser waits for its callback, so at most one line is held.
  const onCommand = proto._onCommand;
  proto._onCommand = function onCommandTuned(this: Internals & { _ready: boolean; _early?: (() => void) | null }, ...args: unknown[]) {
    const tuning = tunings.get(this._server);
    if (!this._ready && tuning !== undefined && tuning.greetingDelayMs <= 0 && !this._closing) {
      this._early = () => onCommand.apply(this, args);
      return undefined;
    }
    return onCommand.apply(this, args);
  };
  const sendGreeting = proto._sendGreeting;
  proto._sendGreeting = function sendGreetingTuned(this: Internals & { _early?: (() => void) | null }, ...args: unknown[]) {
    const result = sendGreeting.apply(this, args);
    const early = this._early;
    this._early = null;
    early?.();
    return result;
  };

  const armTimeout = proto._armTimeout;
  proto._armTimeout = function armTimeoutTuned(this: Internals, socket?: unknown) {
    const tuning = tunings.get(this._server);
    if (!tuning) return armTimeout.call(this, socket);
    const target = (socket ?? this._socket) as Internals['_socket'];
    target.setTimeout(tuning.idleTimeoutMs(this), () => this._onTimeout());
    return undefined;
  };
}
