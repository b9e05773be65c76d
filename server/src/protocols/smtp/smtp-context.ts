// What every SMTP hook receives: the services it may call (injected once per
// process), the per-connection state and the per-transaction state. Hooks
// never see the store: mail goes through the mail, queue, directory and
// filter services (STYLE.md "Avoid").
import type { SMTPServerSession } from 'smtp-server';
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { Directory } from '../../directory/api.ts';
import type { Logger } from '../../log/logger.ts';
import type { AuthOutcome } from '../../metrics/metrics.ts';
import type { TracePublisher } from '../../events/trace-bus.ts';
import type { DeliveryService, MailboxService, MessageService } from '../../mail/api.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import type { ConnectionCounter, HarvestGuard } from './abuse-guards.ts';
import type { DuplicateGuard } from './duplicate-guard.ts';
import type { SmtpFilter } from './smtp-filter.ts';
import type { ListenerKind, SmtpMetrics } from './smtp-metrics.ts';
import type { RecipientPlan } from './recipient-plan.ts';

export interface SmtpServices {
  config: StoaConfig;
  logger: Logger;
  directory: Directory;
  mail: { delivery: DeliveryService; mailboxes: MailboxService; messages: MessageService };
  queue: QueueService;
  filter: SmtpFilter;
  metrics: SmtpMetrics;
  connections: ConnectionCounter;
  harvest: HarvestGuard;
  duplicates: DuplicateGuard;
  /** Directory of temporary spool files (message-spool.ts). */
  spoolDir: string;
  /** stoa_auth_attempts_total{protocol="smtp"} (metrics/metrics.ts). */
  countAuth(result: AuthOutcome): void;
  /** The console's message trace: acceptances here, refusals in gate.ts. */
  trace?: TracePublisher;
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
  log: Logger;
  /** Set by AUTH on submission. */
  account: Account | null;
  /** Whether this connection counts against the per-IP limit (released on close). */
  counted: boolean;
  tx: Transaction | null;
  /** The filter's per-connection findings (allow-listed client, DNSBL hits …), reused by later hooks. */
  trusted: boolean;
}

export interface HookContext {
  services: SmtpServices;
  session: SMTPServerSession;
  state: SessionState;
}
