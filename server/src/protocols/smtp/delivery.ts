// What happens to an accepted message: local copies through the mail
// service (one blob linked into every mailbox in one transaction), external
// recipients (remote RCPTs on submission, alias/list members and account
// forwarding) through the outbound queue. The reply is 250 only after both
// have returned: durable on disk (DESIGN.md "Durability").
//
// Order: local delivery first, then the queue. If enqueueing fails the client
// gets 451 and sends again; the repeated local copy is then collapsed by the
// duplicate guard, while the reverse order would send the forward twice.
// Local recipients that fail while others got the message are bounced or
// deferred to the queue before the 250 (local-failures.ts).
import { randomUUID } from 'node:crypto';
import type { DsnNotify } from '../../store/queue-port.ts';
import type { Recipient } from '../../mail/api.ts';
import type { MessageSpool } from './message-spool.ts';
import { settleLocalFailures, type LocalFailure } from './local-failures.ts';
import type { LocalTarget } from './recipient-plan.ts';
import type { HookContext, Transaction } from './smtp-context.ts';
import { normaliseMessageId } from './duplicate-guard.ts';
import { fromAddresses } from './sender-identity.ts';
import { rejectReasonFor, replyFor, SmtpReply } from './smtp-reply.ts';
import { deliveredToHeader, receivedHeader, returnPathHeader } from './trace-headers.ts';
import { firstField, headerFields, unfoldValue } from '../../mail/mime/header-fields.ts';

interface Outbound { address: string; notify: DsnNotify[] | null; orcpt: string | null }
/** The DSN parameters of the (first) RCPT that led to a local mailbox. */
interface LocalDsn { notify: DsnNotify[] | null; orcpt: string }

/** RFC 3461 §4: xtext "+XX" hex escapes. */
function decodeXtext(s: string): string {
  return s.replace(/\+([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function receivedFor(ctx: HookContext, id: string): string {
  const { session, services, state } = ctx;
  const rcpts = session.envelope.rcptTo;
  const tls = session.tlsOptions ? { protocol: session.tlsOptions.version, cipher: session.tlsOptions.name } : null;
  const rdns = session.clientHostname && !session.clientHostname.startsWith('[') ? session.clientHostname : null;
  return receivedHeader({
    helo: String(session.hostNameAppearsAs || 'unknown'),
    clientHostname: rdns,
    ip: state.ip,
    by: services.config.hostname,
    id,
    esmtp: String(session.openingCommand).toUpperCase() === 'EHLO',
    tls,
    authenticated: state.account !== null,
    utf8: session.envelope.smtpUtf8 === true,
    forRecipient: rcpts.length === 1 ? rcpts[0].address : null,
    date: new Date(),
  });
}

/** Local targets and outbound addresses of the whole transaction, each once. */
function collect(ctx: HookContext, tx: Transaction): { local: LocalTarget[]; localDsn: Map<string, LocalDsn>; outbound: Outbound[] } {
  const local = new Map<string, LocalTarget>();
  const localDsn = new Map<string, LocalDsn>();
  const outbound = new Map<string, Outbound>();
  for (const rcpt of ctx.session.envelope.rcptTo) {
    const plan = tx.plans.get(rcpt.address.toLowerCase());
    if (!plan) continue;
    const notify = (rcpt.dsn?.notify as DsnNotify[] | undefined) ?? null;
    // RFC 3461 §4.2: keep the client's ORCPT; for an expansion, the address it was sent to.
    const orcpt = rcpt.dsn?.orcpt ? decodeXtext(rcpt.dsn.orcpt) : `rfc822;${rcpt.address}`;
    for (const t of plan.local) {
      local.set(t.accountId, t);
      if (!localDsn.has(t.accountId)) localDsn.set(t.accountId, { notify, orcpt });
    }
    if (plan.remote) outbound.set(rcpt.address.toLowerCase(), { address: rcpt.address, notify, orcpt: rcpt.dsn?.orcpt ? orcpt : null });
    for (const address of plan.forward) if (!outbound.has(address)) outbound.set(address, { address, notify, orcpt });
  }
  return { local: [...local.values()], localDsn, outbound: [...outbound.values()] };
}

export async function deliverMessage(ctx: HookContext, tx: Transaction, spool: MessageSpool, header: Buffer): Promise<string> {
  const { services, state, session } = ctx;
  const id = randomUUID();
  const received = receivedFor(ctx, id);
  const { local, localDsn, outbound } = collect(ctx, tx);

  // The filter's verdict (filter/filter-service.ts): SPF/DKIM/DMARC/ARC, spam score, antivirus, attachments.
  // `header` holds Authentication-Results (MX) and X-Stoa-Spam; the front end only maps the decision.
  const evaluation = await services.filter.evaluateMessage(tx.filter, {
    raw: await spool.head(services.config.filter.maxScanBytes), size: spool.size, stream: () => spool.stream(),
  });
  if (evaluation.reply) {
    const { code, enhanced, text } = evaluation.reply;
    throw new SmtpReply(code, enhanced, text, rejectReasonFor(evaluation.verdict.decision?.check, evaluation.action));
  }
  if (evaluation.action === 'quarantine') {
    const held = await services.filter.hold(tx.filter, evaluation, Buffer.concat([Buffer.from(received, 'utf8'), Buffer.from(evaluation.header, 'utf8'), await spool.buffer()]));
    state.log.info({ id, sender: tx.sender, quarantine: held.map((e) => e.id) }, 'smtp message held in quarantine');
    return `2.6.0 Message accepted as ${id}`;
  }
  const mailbox: Recipient['mailbox'] = evaluation.folder;
  const authResults = evaluation.header;

  let delivered: string[] = [];
  const failed: LocalFailure[] = [];
  if (local.length > 0) {
    const messageId = firstField(headerFields(header), 'message-id');
    const claim = await services.duplicates.claim(local, messageId ? unfoldValue(messageId.value) : null);
    try {
      const fresh = claim.fresh;
      if (fresh.length < local.length) {
        state.log.info({ messageId: normaliseMessageId(messageId ? unfoldValue(messageId.value) : null), duplicates: local.length - fresh.length }, 'smtp duplicate delivery collapsed');
      }
      if (fresh.length > 0) {
        // One shared body for every mailbox: Delivered-To only when there is a single one (docs/smtp.md).
        const prefix = returnPathHeader(tx.sender) + (local.length === 1 ? deliveredToHeader(local[0].address) : '') + authResults + received;
        const outcomes = await services.mail.delivery.deliver(
          spool.content(Buffer.from(prefix, 'utf8')),
          fresh.map((t) => ({ accountId: t.accountId, mailbox })),
        );
        delivered = outcomes.filter((o) => o.status === 'delivered').map((o) => o.accountId);
        for (const o of outcomes) {
          if (o.status !== 'failed') continue;
          const target = fresh.find((t) => t.accountId === o.accountId)!;
          failed.push({ address: target.address, ...localDsn.get(o.accountId)!, error: o.error });
        }
      }
    } finally {
      claim.release(delivered);
    }
  }

  // Nothing accepted anywhere (no duplicate collapsed either): the client gets the reason and keeps the
  // message; a temporary reason first, so that it retries for every recipient.
  if (failed.length > 0 && delivered.length === 0 && outbound.length === 0 && failed.length >= local.length) {
    const replies = failed.map((f) => replyFor(f.error));
    throw replies.find((r) => r.responseCode < 500) ?? replies[0];
  }

  // The message as accepted, without the local-only fields: what the queue stores and notices attach.
  let accepted: Buffer | null = null;
  const acceptedCopy = async (): Promise<Buffer> => (accepted ??= Buffer.concat([Buffer.from(authResults + received, 'utf8'), await spool.buffer()]));
  if (failed.length > 0) {
    const ret = (session.envelope.dsn?.ret as 'FULL' | 'HDRS' | null | undefined) ?? null;
    await settleLocalFailures(ctx, { id, sender: tx.sender, ret, envId: session.envelope.dsn?.envid ?? null, original: await acceptedCopy(), folder: mailbox }, failed);
  }

  let queueId: string | null = null;
  if (outbound.length > 0) {
    const body = await acceptedCopy();
    // RFC 6376 §3.5 d= aligned with the From: domain (DMARC, RFC 7489 §3.1.1), which submission checked is the user's.
    const author = fromAddresses(header)?.[0] ?? tx.sender;
    const fromDomain = author.slice(author.lastIndexOf('@') + 1);
    const signed = state.account && fromDomain ? await services.dkimFields(fromDomain, body, state.log) : '';
    queueId = await services.queue.enqueue({
      message: signed ? Buffer.concat([Buffer.from(signed, 'utf8'), body]) : body,
      sender: tx.sender,
      recipients: outbound.map((o) => ({ address: o.address, notify: o.notify, orcpt: o.orcpt })),
      ret: (session.envelope.dsn?.ret as 'FULL' | 'HDRS' | null | undefined) ?? null,
      envId: session.envelope.dsn?.envid ?? null,
      accountId: state.account?.id ?? null,
    });
  }

  state.log.info({
    id, sender: tx.sender, size: spool.size, local: delivered.length, localFailed: failed.length, outbound: outbound.length, queueId, mailbox,
  }, 'smtp message accepted');
  return `2.6.0 Message accepted as ${id}`;
}
