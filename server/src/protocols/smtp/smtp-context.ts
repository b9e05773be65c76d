// What every SMTP hook receives: the services it may call (injected once per
// process), the per-connection state and the per-transaction state. Hooks
// never see the store and decide no mail rule: senders, recipients and the
// message go to the intake service (intake/api.ts), logins to the one
// AuthService; the hooks map what those answer to SMTP replies.
import type { SMTPServerSession } from 'smtp-server';
import type { SmtpSettings } from '../../config/types.ts';
import type { Actor, AuthService } from '../../directory/api.ts';
import type { IntakeService, IntakeSession, RecipientPlan } from '../../intake/api.ts';
import type { Logger } from '../../log/logger.ts';
import type { TracePublisher } from '../../events/trace-bus.ts';
import type { DnsLookups } from '../../mail-auth/dns-resolver.ts';
import type { Admission, ConnectionPool } from '../../operations/connection-gate.ts';
import type { HarvestGuard } from './abuse-guards.ts';
import type { ReverseName } from './reverse-name.ts';
import type { ListenerKind, SmtpMetrics } from './smtp-metrics.ts';

export interface SmtpServices {
  smtp: SmtpSettings;
  logger: Logger;
  auth: AuthService;
  intake: IntakeService;
  metrics: SmtpMetrics;
  /** The SMTP listeners' pool (smtp.maxConnections, per IP, per /24 or /64; operations/connection-gate.ts). */
  connections: ConnectionPool;
  harvest: HarvestGuard;
  /** Directory of temporary spool files (message-spool.ts). */
  spoolDir: string;
  /** The console's message trace: refusals are published by gate.ts refuse() (acceptances by the intake). */
  trace?: TracePublisher;
  /** The process's cached resolver, for MX clients' reverse names (reverse-name.ts). */
  dns: Pick<DnsLookups, 'reverse'>;
}

/** One mail transaction: MAIL FROM to the end of DATA (or RSET). */
export interface Transaction {
  /** Envelope sender, '' for the null sender. */
  sender: string;
  /** RFC 1870 SIZE= from MAIL FROM, null when not given. */
  declaredSize: number | null;
  /** Accepted recipients by lower-cased RCPT address. */
  plans: Map<string, RecipientPlan>;
}

export interface SessionState {
  listener: ListenerKind;
  ip: string;
  /** { proto, conn, ip, listener }, and user once authenticated. */
  log: Logger;
  /** Set by AUTH on submission: the principal every intake call passes. */
  principal: Actor | null;
  /** This connection's place in the pool, released on close; null when it was refused. */
  admission: Admission | null;
  tx: Transaction | null;
  /** The intake's checks state of this connection (IntakeService.openSession); null until the connect stage passed. */
  session: IntakeSession | null;
  /** MX: the client's reverse name, looked up while the session goes on; null on submission. */
  reverse: ReverseName | null;
}

export interface HookContext {
  services: SmtpServices;
  session: SMTPServerSession;
  state: SessionState;
}
