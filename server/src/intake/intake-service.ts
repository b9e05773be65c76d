// The one path into mailboxes and the outbound queue (api.ts). What happens
// to a message, in order:
//   1. a submitted message's author fields are checked against its principal;
//   2. every recipient is planned (the directory's one expansion);
//   3. mail from outside gets the filter's verdict (SPF/DKIM/DMARC/ARC:
//      reject, Junk, or accept) and its Authentication-Results;
//   4. local copies: repeated deliveries of one Message-ID collapse, each
//      recipient's own rules (Sieve) choose folders and flags, redirect,
//      reject or reply, then one blob is linked into every mailbox in one
//      transaction, with Return-Path, Delivered-To (one mailbox only) and
//      Received in front;
//   5. local failures after others succeeded are bounced (permanent) or
//      deferred to the queue (temporary), never dropped;
//      a scheduling message (iMIP) in what was stored outside Junk goes to
//      the recipients' calendars (calendar-parts.ts);
//   6. outside addresses (remote recipients, lists, forwarding) are signed
//      with DKIM when a user submitted the message and handed to the queue;
//   7. a message a user sent as or on behalf of a shared mailbox is filed in
//      that mailbox's Sent folder too, when the mailbox asks for it;
//   8. the outcome goes to the console's live trace (intake-trace.ts).
// Imported mail (origin 'import', the migration tool) takes a short path of
// its own, acceptImport(): api.ts lists what of the above it skips and why.
// Local delivery comes before the queue: if enqueueing fails the sender is
// told to retry and the repeated local copy collapses (step 4), while the
// reverse order would send the forward twice.
import { randomUUID } from 'node:crypto';
import { systemActor } from '../directory/access.ts';
import type { Actor, AddressService } from '../directory/api.ts';
import type { MailboxGrantService } from '../directory/shared-mailbox-api.ts';
import { folderTarget } from '../directory/shared-mailbox-addresses.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import { firstField, headerFields, unfoldValue } from '../mail/mime/header-fields.ts';
import type { TracePublisher } from '../events/trace-bus.ts';
import type { DeliveryService, MailboxService, MessageService, Recipient } from '../mail/api.ts';
import { checkAppendArgs } from '../mail/message-intake.ts';
import type { LocalFolder } from '../model/queue.ts';
import type { QueueConfig } from '../queue/queue-config.ts';
import type { QueueService } from '../queue/queue-service.ts';
import type {
  CalendarMessages, DeliveryRules, FilterFindings, IntakeOrigin, IntakeRecipient, IntakeRequest, IntakeResult, IntakeService, RecipientOutcome, RecipientPlan, RuleDecision,
} from './api.ts';
import { handOnCalendarParts } from './calendar-parts.ts';
import type { InboundAuthResult } from '../mail-auth/inbound.ts';
import { guardAuthFields, withHeader } from './auth-field-guard.ts';
import { judgeLocalSender, type LocalSenderDeps } from './local-sender-policy.ts';
import { DuplicateGuard, normaliseMessageId } from './duplicate-guard.ts';
import { traceAccepted, traceRefused } from './intake-trace.ts';
import {
  checkConnection, checkRecipientStage, checkSenderStages, endTransactionMemo, evaluateData, inTransactionMemo, openFilterSession, type IntakeFilter,
} from './filter-session.ts';
import { settleLocalFailures, type LocalFailure } from './local-failures.ts';
import { requireImportInto } from './import-policy.ts';
import { bufferSource, headerSection } from './message-source.ts';
import { planRecipient, route, targetKey, type LocalCopy } from './recipients.ts';
import { checkAuthorFields, fromAddresses, mayUseAddress, type DelegatedSender } from './sender-policy.ts';
import { fileSentCopy } from './sent-copy.ts';
import { countReceived, deliveredToHeader, receivedHeader, returnPathHeader } from './trace-headers.ts';

/** The header section must fit in here to be checked. */
const MAX_HEADER_BYTES = 1024 * 1024;
/** RFC 5321 §6.3: more Received fields than this means a loop. */
export const MAX_HOPS = 50;

export interface IntakeDeps {
  hostname: string;
  addresses: Pick<AddressService, 'resolve' | 'isLocalDomain' | 'expand'>;
  /** Delegation grants: who may send as or on behalf of a shared or delegated mailbox (sender-policy.ts). */
  grants?: Pick<MailboxGrantService, 'holds'>;
  mail: { delivery: DeliveryService; mailboxes: MailboxService; messages: MessageService };
  queue: Pick<QueueService, 'enqueue'>;
  queueConfig: QueueConfig;
  /** The filter pipeline (filter/filter-service.ts), run for SMTP clients. */
  filter: IntakeFilter;
  /** Bytes of a message the filter's content checks read (filter.maxScanBytes). */
  maxScanBytes: number;
  /** The message with DKIM-Signature fields for `fromDomain` prepended; unchanged when the domain has no key. */
  sign(message: Buffer, fromDomain: string): Promise<Buffer>;
  /** Collapse repeated deliveries of one Message-ID within this window (0: never). */
  duplicateWindowMs: number;
  /** The recipients' own rules (Sieve); without them every message goes where the filter put it. */
  rules?: DeliveryRules;
  /** The calendar side of delivery (iMIP, calendar-parts.ts); without it calendar parts are only mail. */
  calendar?: { messages: CalendarMessages; maxMessageBytes: number };
  /** Unauthenticated MX mail claiming a hosted domain (local-sender-policy.ts); without it, not checked. */
  localSenders?: LocalSenderDeps;
  /** The console's live trace: what was accepted and where each recipient went (intake-trace.ts). */
  trace?: TracePublisher;
  /** Largest message of origin 'import' (migration.maxMessageBytes); 0: no limit of its own. */
  maxImportBytes?: number;
  now?: () => number;
}

/** Whether this origin's sender waits for one answer for all recipients (so failures after others succeeded are settled here). */
function settlesFailures(origin: IntakeOrigin): boolean {
  return origin.kind !== 'queue' && origin.kind !== 'notice' && origin.kind !== 'release';
}

/** Mail that was accepted once already: its recipients are final addresses, not expanded again. */
function alreadyAccepted(origin: IntakeOrigin): boolean {
  return origin.kind === 'queue' || origin.kind === 'release';
}

/** The plan of a recipient accepted before (queue retry, quarantine release): its own mailbox, or an outside address. */
async function directPlan(addresses: IntakeDeps['addresses'], address: string): Promise<RecipientPlan> {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (!await addresses.isLocalDomain(domain)) return { address, local: [], forward: [], remote: true, kind: 'remote', account: null };
  const found = await addresses.resolve(address);
  switch (found?.kind) {
    case 'public-folder':
      return { address, local: [folderTarget(found.folder)], forward: [], remote: false, kind: 'public-folder', account: null, folder: found.folder };
    case 'account':
    case 'shared-mailbox': {
      const owner = found.kind === 'account' ? found.account : found.sharedMailbox;
      if (!owner.enabled) throw new StoaError('STOA_MAILBOX_DISABLED', `<${address}>`);
      const local = [{ accountId: owner.id, address: owner.address }];
      return found.kind === 'account'
        ? { address, local, forward: [], remote: false, kind: 'account', account: found.account }
        : { address, local, forward: [], remote: false, kind: 'shared-mailbox', account: null, sharedMailbox: found.sharedMailbox };
    }
    default:
      throw new StoaError('STOA_RECIPIENT_UNKNOWN', `<${address}>`);
  }
}

function asStoaError(err: unknown): StoaError {
  return isStoaError(err) ? err : new StoaError('STOA_INTERNAL', String(err), { cause: err });
}

export function createIntakeService(deps: IntakeDeps): IntakeService {
  const now = deps.now ?? Date.now;
  const duplicates = new DuplicateGuard(deps.duplicateWindowMs, deps.mail, now);
  const rules = { addresses: deps.addresses, mailboxes: deps.mail.mailboxes };
  const senders = { addresses: deps.addresses, ...(deps.grants ? { grants: deps.grants } : {}) };

  function receivedFor(origin: IntakeOrigin, principal: Actor | null, id: string, forRecipient: string | null): string {
    return receivedHeader({
      helo: origin.helo ?? 'localhost',
      clientHostname: origin.clientHostname ?? null,
      ip: origin.ip ?? '127.0.0.1',
      by: deps.hostname,
      id,
      esmtp: origin.esmtp ?? true,
      tls: origin.tls ?? null,
      authenticated: principal !== null && principal.id !== null,
      utf8: origin.utf8 ?? false,
      forRecipient,
      date: new Date(now()),
    });
  }

  /** Plans every recipient; those that cannot be served are failed outcomes. */
  async function plan(origin: IntakeOrigin, principal: Actor | null, sender: string, recipients: readonly IntakeRecipient[]) {
    const planned: (IntakeRecipient & { plan: RecipientPlan })[] = [];
    const failed: RecipientOutcome[] = [];
    for (const r of recipients) {
      try {
        const p = r.plan ?? (alreadyAccepted(origin)
          ? await directPlan(deps.addresses, r.address)
          : await planRecipient(rules, { principal, origin, sender, address: r.address, declaredSize: null }));
        planned.push({ ...r, plan: p });
      } catch (err) {
        failed.push({ address: r.address, status: 'failed', error: asStoaError(err), handled: 'none' });
      }
    }
    return { planned, failed };
  }

  /**
   * Origin 'import' (api.ts says what applies and what is skipped): one
   * recipient, the owner's own address; the bytes stored as they are, in the
   * folder the importer named, with the source's flags and date.
   */
  async function acceptImport({ envelope, message, principal, origin }: IntakeRequest): Promise<IntakeResult> {
    const id = randomUUID();
    const placement = origin.import;
    if (!placement) throw new StoaError('STOA_VALIDATION', 'an import names its folder, flags and date');
    if (!principal) throw new StoaError('STOA_UNAUTHENTICATED', 'an import is made by someone');
    if (envelope.recipients.length !== 1) throw new StoaError('STOA_VALIDATION', 'an imported message goes into exactly one mailbox');
    const maxBytes = deps.maxImportBytes ?? 0;
    if (maxBytes > 0 && message.size > maxBytes) {
      throw new StoaError('STOA_PAYLOAD_TOO_LARGE', `${message.size} bytes is more than the ${maxBytes} an imported message may have (migration.maxMessageBytes)`);
    }
    if (!headerSection(await message.head(MAX_HEADER_BYTES), MAX_HEADER_BYTES)) throw new StoaError('STOA_PAYLOAD_TOO_LARGE', 'the header section is larger than 1 MiB');
    // The flags and date IMAP APPEND would accept (keywords RFC 9051 atoms, a valid date), before anything is written.
    checkAppendArgs(placement.flags, placement.internalDate ?? undefined);
    const { address } = envelope.recipients[0];
    // The directory's one expansion: unknown and disabled owners are refused as for any mail.
    const plan = await deps.addresses.expand(address);
    if (!plan) throw new StoaError('STOA_RECIPIENT_UNKNOWN', `<${address}>`);
    const owner = plan.account
      ? { id: plan.account.id, domainId: plan.account.domainId, role: plan.account.role, enabled: plan.account.enabled, address: plan.account.address }
      : plan.sharedMailbox
        ? { id: plan.sharedMailbox.id, domainId: plan.sharedMailbox.domainId, role: null, enabled: plan.sharedMailbox.enabled, address: plan.sharedMailbox.address }
        : null;
    // Old mail goes into one mailbox tree: never fanned out to a group's members, forwarded or sent outside.
    if (!owner) throw new StoaError('STOA_VALIDATION', `<${address}> is not one account's or shared mailbox's own address: mail is imported into one mailbox`);
    if (!owner.enabled) throw new StoaError('STOA_MAILBOX_DISABLED', `<${address}>`);
    requireImportInto(principal, owner);
    // The mailbox by id must be the owner's (delivery refuses one of another tree); the quota is checked in its transaction.
    const [result] = await deps.mail.delivery.deliver(
      systemActor(), message.content(Buffer.alloc(0)),
      [{ accountId: owner.id, mailbox: { id: placement.mailboxId }, flags: placement.flags }],
      placement.internalDate ? { internalDate: placement.internalDate } : {},
    );
    if (result.status === 'failed') throw result.error;
    origin.log.debug({ id, origin: 'import', owner: owner.id, mailboxId: result.mailboxId, uid: result.uid, size: message.size }, 'intake message imported');
    return {
      id, folder: 'INBOX', delivered: 1, queueId: null,
      outcomes: [{ address, status: 'delivered', stored: [{ mailboxId: result.mailboxId, uid: result.uid }] }],
    };
  }

  const service: IntakeService = {
    async openSession(origin) {
      const session = openFilterSession(deps.filter, origin);
      await checkConnection(deps.filter, session);
      return session;
    },

    async checkSender({ principal, origin, sender }) {
      if (origin.kind === 'submission') {
        if (!principal) throw new StoaError('STOA_UNAUTHENTICATED', 'authentication required');
        // The null sender (auto-replies, RFC 3834 §3.3) names nobody, so it impersonates nobody.
        if (sender !== '' && !await mayUseAddress(senders, principal, sender)) {
          throw new StoaError('STOA_SENDER_NOT_OWNED', `<${sender}> is not yours`);
        }
      }
      // HELO and MAIL stages: HELO checks, the submission rate, an account locked after outbound spam.
      await checkSenderStages(deps.filter, origin, principal, sender);
    },

    planRecipient(check) {
      return inTransactionMemo(check.origin, async () => {
        const p = await planRecipient(rules, check);
        // RCPT stage: greylisting of mail from outside.
        await checkRecipientStage(deps.filter, check.origin, check.address, p.local, p.remote || p.forward.length > 0);
        return p;
      });
    },

    async accept(request) {
      // Imported mail (the migration tool) is history, not mail flowing now: the console's live trace leaves it out.
      if (request.origin.kind === 'import') return acceptImport(request);
      try {
        const result = await inTransactionMemo(request.origin, () => acceptMessage(request));
        traceAccepted(deps.trace, request, result);
        return result;
      } catch (err) {
        traceRefused(deps.trace, request, err);
        throw err;
      } finally {
        endTransactionMemo(request.origin);
      }
    },
  };

  async function acceptMessage(request: IntakeRequest): Promise<IntakeResult> {
    const { envelope, principal, origin } = request;
    let { message } = request;
    const id = randomUUID();
    const header = headerSection(await message.head(MAX_HEADER_BYTES), MAX_HEADER_BYTES);
    if (!header) throw new StoaError('STOA_PAYLOAD_TOO_LARGE', 'the header section is larger than 1 MiB');
    // RFC 5321 §6.3: a message that has passed this many hops is looping.
    if (countReceived(header.toString('latin1')) > MAX_HOPS) throw new StoaError('STOA_MAIL_LOOP', `more than ${MAX_HOPS} Received fields`);
    let sentFor: DelegatedSender | null = null;
    if (origin.kind === 'submission') {
      if (!principal) throw new StoaError('STOA_UNAUTHENTICATED', 'authentication required');
      sentFor = await checkAuthorFields(senders, principal, header);
    }
    const { planned, failed: unplanned } = await plan(origin, principal, envelope.sender, envelope.recipients);
    if (planned.length === 0) throw unplanned[0]?.status === 'failed' ? unplanned[0].error : new StoaError('STOA_VALIDATION', 'no recipients');
    const { local, outbound } = route(planned);

    const received = alreadyAccepted(origin) || origin.kind === 'notice'
      ? ''
      : receivedFor(origin, principal, id, envelope.recipients.length === 1 ? envelope.recipients[0].address : null);
    // The filter's verdict (DATA stage): SPF/DKIM/DMARC/ARC with Authentication-Results (RFC 8601), spam score,
    // antivirus, attachments. A refusal is thrown; quarantine holds the message; Junk files it.
    let authResults = '';
    let folder: LocalFolder = 'INBOX';
    let findings: FilterFindings | null = null;
    const data = await evaluateData(deps.filter, origin, principal, envelope.sender,
      planned.map((r) => ({ address: r.address, local: r.plan.local, outside: r.plan.remote || r.plan.forward.length > 0 })), message, deps.maxScanBytes);
    // RFC 8601 §5: authentication results in the message that claim to be ours (and every Received-SPF)
    // were written by the sender; they are renamed before ours go on top. The filter judged the
    // message as it came (DKIM signatures may cover these fields); what is stored and sent on is this.
    if (origin.kind === 'smtp' || origin.kind === 'submission') {
      const guarded = guardAuthFields(header, [deps.hostname]);
      if (guarded) {
        message = withHeader(message, header.length, guarded.header);
        origin.log.info({ id, renamed: guarded.renamed }, 'intake renamed authentication fields the sender wrote');
      }
    }
    // Mail from outside in the name of a domain hosted here, which publishes no SPF or DMARC to be judged by.
    const forged = origin.kind === 'smtp' && principal === null && deps.localSenders
      ? await judgeLocalSender(deps.localSenders, { sender: envelope.sender, from: fromAddresses(header) ?? [], auth: data?.context.facts.auth as InboundAuthResult | undefined, log: origin.log })
      : null;
    if (data) {
      // Submitted mail leaves without our verdict fields; mail from outside keeps them for the user and the console.
      if (origin.kind === 'smtp') authResults = data.evaluation.header;
      if (data.evaluation.action === 'quarantine') {
        const held = await deps.filter.hold(data.context, data.evaluation, Buffer.concat([Buffer.from(received + data.evaluation.header, 'utf8'), await message.buffer()]));
        origin.log.info({ id, sender: envelope.sender, quarantine: held.map((e) => e.id) }, 'intake message held in quarantine');
        return { id, folder, outcomes: [...unplanned, ...planned.map((r): RecipientOutcome => ({ address: r.address, status: 'held' }))], delivered: 0, queueId: null };
      }
      folder = data.evaluation.folder;
      const { verdict } = data.evaluation;
      findings = {
        score: verdict.score, junkAt: verdict.thresholds.junk, rejectAt: verdict.thresholds.reject,
        antivirus: verdict.checks.some((c) => c.check === 'antivirus' && c.outcome === 'ok') ? 'clean' : null,
      };
    }
    if (forged) {
      folder = 'Junk';
      authResults += forged.header;
      origin.log.info({ id, domain: forged.domain }, 'intake filed unauthenticated mail from a hosted domain in Junk');
    }

    const outcomes: RecipientOutcome[] = [...unplanned];
    // Keyed by LocalCopy.key: the owner, or the folder of an addressed public folder.
    const byAccount = new Map<string, 'delivered' | 'duplicate' | StoaError>();
    const failures: LocalFailure[] = [];
    const decisions: Array<{ copy: LocalCopy; decision: RuleDecision }> = [];
    // Accounts that got a copy outside Junk: their calendar sees the message's scheduling part.
    const calendarTargets = new Set<LocalCopy>();
    if (local.length > 0) {
      const messageId = firstField(headerFields(header), 'message-id');
      const rawId = messageId ? unfoldValue(messageId.value) : null;
      const claim = await duplicates.claim(local, rawId);
      let delivered: string[] = [];
      try {
        const fresh = claim.fresh as LocalCopy[];
        for (const c of local) if (!fresh.includes(c)) byAccount.set(c.key, 'duplicate');
        if (fresh.length < local.length) {
          origin.log.info({ messageId: normaliseMessageId(rawId), duplicates: local.length - fresh.length }, 'intake duplicate delivery collapsed');
        }
        if (fresh.length > 0) {
          // Each recipient's rules choose where its copies go (Sieve runs after the filter verdict, RFC 5228 §2.10).
          const entries: Array<{ copy: LocalCopy; mailbox: NonNullable<Recipient['mailbox']>; flags?: string[] }> = [];
          for (const copy of fresh) {
            const given = planned.find((r) => r.folder && r.plan.local.some((t) => targetKey(t) === copy.key))?.folder;
            const filed = given ?? folder;
            // An addressed public folder gets the copy itself, whatever the filter's folder (it has no Junk).
            if (copy.mailboxId) {
              entries.push({ copy, mailbox: { id: copy.mailboxId } });
              continue;
            }
            // The queue retries a copy whose rules already ran; notices are the server's own.
            const decision = alreadyAccepted(origin) || origin.kind === 'notice' || !deps.rules ? null : await deps.rules.decide({
              accountId: copy.accountId, address: copy.address, envelope: { sender: envelope.sender, recipient: copy.recipients[0] ?? copy.address },
              message, junk: filed === 'Junk', verdict: findings, log: origin.log,
            });
            if (!decision) {
              entries.push({ copy, mailbox: filed });
              continue;
            }
            decisions.push({ copy, decision });
            if (decision.reject !== null) {
              byAccount.set(copy.key, new StoaError('STOA_REJECTED_BY_RULE', decision.reject));
              failures.push({ address: copy.address, notify: copy.notify, orcpt: copy.orcpt, error: byAccount.get(copy.key) as StoaError });
              continue;
            }
            // Discarded or redirected away: nothing to store, which is what the recipient asked for.
            if (decision.copies.length === 0) byAccount.set(copy.key, 'delivered');
            for (const c of decision.copies) entries.push({ copy, mailbox: c.mailbox, flags: c.flags });
          }
          if (entries.length > 0) {
            // One shared body for every mailbox: Delivered-To only when there is a single one (docs/smtp.md).
            const prefix = returnPathHeader(envelope.sender) + (local.length === 1 ? deliveredToHeader(local[0].address) : '') + authResults + received;
            const results = await deps.mail.delivery.deliver(
              systemActor(),
              message.content(Buffer.from(prefix, 'utf8')),
              entries.map((e) => ({ accountId: e.copy.accountId, mailbox: e.mailbox, ...(e.flags ? { flags: e.flags } : {}) })),
            );
            // An account counts as delivered when every copy of it was stored; the first failure is its error.
            results.forEach((o, i) => {
              const { copy } = entries[i];
              const state = byAccount.get(copy.key);
              if (o.status === 'failed') {
                if (!(state instanceof StoaError)) {
                  byAccount.set(copy.key, o.error);
                  failures.push({ address: copy.address, notify: copy.notify, orcpt: copy.orcpt, error: o.error });
                }
              } else if (state === undefined) byAccount.set(copy.key, 'delivered');
            });
            delivered = [...byAccount].filter(([, v]) => v === 'delivered').map(([k]) => k);
            // Owners only: an addressed public folder has no calendar (a shared mailbox's owner is told apart by the receiver).
            for (const e of entries) if (!e.copy.mailboxId && e.mailbox !== 'Junk' && byAccount.get(e.copy.key) === 'delivered') calendarTargets.add(e.copy);
          }
        }
      } finally {
        claim.release(delivered);
      }
    }
    const deliveredCount = [...byAccount.values()].filter((v) => v === 'delivered').length;

    // Nothing accepted anywhere (no duplicate collapsed either): the sender is told, and keeps the
    // message; a temporary reason first, so that it retries for every recipient.
    const anyServed = deliveredCount > 0 || [...byAccount.values()].includes('duplicate') || outbound.length > 0;
    if (!anyServed && failures.length > 0 && settlesFailures(origin)) {
      const errors = failures.map((f) => asStoaError(f.error));
      throw errors.find((e) => (e.spec.smtp ?? '4').startsWith('4')) ?? errors[0];
    }

    // The message as accepted, without the local-only fields: what the queue stores and notices attach.
    let accepted: Buffer | null = null;
    const acceptedCopy = async (): Promise<Buffer> => (accepted ??= Buffer.concat([Buffer.from(authResults + received, 'utf8'), await message.buffer()]));
    const settled = new Map<string, 'bounced' | 'deferred'>();
    let deferredQueueId: string | null = null;
    if (failures.length > 0 && settlesFailures(origin)) {
      const result = await settleLocalFailures({
        queue: deps.queue, queueConfig: deps.queueConfig, log: origin.log,
        submitNotice: (bytes, from, to) => submitNotice(service, origin, bytes, from, to),
      }, {
        id, sender: envelope.sender, ret: envelope.ret ?? null, envId: envelope.envId ?? null,
        original: await acceptedCopy(), folder, accountId: principal?.id ?? null,
      }, failures);
      for (const a of result.bounced) settled.set(a, 'bounced');
      for (const a of result.deferred) settled.set(a, 'deferred');
      deferredQueueId = result.queueId;
    }

    // What the rules asked besides storing: redirects and auto-replies, each a message of its own through
    // this same path, sent on the recipient's behalf. A failure here is logged: the message itself is in.
    for (const { copy, decision } of decisions) {
      const sends: Array<{ to: string[]; sender: string; bytes: () => Promise<Buffer>; kind: 'sieve' | 'notice' }> = [];
      if (decision.redirects.length > 0) {
        sends.push({ to: decision.redirects, sender: envelope.sender, kind: 'sieve', bytes: async () => Buffer.concat([Buffer.from(decision.redirectHeader, 'utf8'), await acceptedCopy()]) });
      }
      if (decision.reply) {
        const reply = decision.reply;
        sends.push({ to: [reply.to], sender: '', kind: 'sieve', bytes: async () => reply.bytes });
      }
      if (decision.notice) {
        // The server's own report to the recipient, from the null sender (it must never bounce back).
        const notice = decision.notice;
        sends.push({ to: [copy.address], sender: '', kind: 'notice', bytes: async () => notice });
      }
      for (const send of sends) {
        try {
          await service.accept({
            envelope: { sender: send.sender, recipients: send.to.map((address) => ({ address })) },
            message: bufferSource(await send.bytes()),
            principal: send.kind === 'notice' ? null : decision.principal,
            origin: { kind: send.kind, log: origin.log },
          });
        } catch (err) {
          origin.log.warn({ err, recipient: copy.address, to: send.to }, 'a rule\'s redirect or reply could not be sent');
        }
      }
    }

    if (deps.calendar && calendarTargets.size > 0) {
      await handOnCalendarParts(deps.calendar.messages, {
        message, header, sender: envelope.sender, principal, origin, targets: [...calendarTargets], maxBytes: deps.calendar.maxMessageBytes,
      });
    }

    let queueId: string | null = null;
    if (outbound.length > 0) {
      let body = await acceptedCopy();
      if (principal !== null && principal.id !== null) {
        // RFC 6376 §3.5 d= aligned with the From: domain (DMARC, RFC 7489 §3.1.1), which submission checked is the user's.
        const author = fromAddresses(header)?.[0] ?? envelope.sender;
        const fromDomain = author.slice(author.lastIndexOf('@') + 1);
        if (fromDomain) body = await deps.sign(body, fromDomain);
      }
      queueId = await deps.queue.enqueue(systemActor(), {
        message: body,
        sender: envelope.sender,
        recipients: outbound.map((o) => ({ address: o.address, notify: o.notify, orcpt: o.orcpt })),
        ret: envelope.ret ?? null,
        envId: envelope.envId ?? null,
        accountId: principal?.id ?? null,
      });
    }

    // One outcome per envelope recipient: queued when anything of it went to the queue, delivered when all its mailboxes got it.
    for (const r of planned) {
      const states = r.plan.local.map((t) => byAccount.get(targetKey(t)));
      const error = states.find((s): s is StoaError => s instanceof StoaError);
      if ((r.plan.remote || r.plan.forward.length > 0) && queueId) outcomes.push({ address: r.address, status: 'queued', queueId });
      else if (error) {
        const copy = r.plan.local.find((t) => byAccount.get(targetKey(t)) === error)!;
        const handled = settled.get(copy.address) ?? 'none';
        if (handled === 'deferred' && deferredQueueId) outcomes.push({ address: r.address, status: 'queued', queueId: deferredQueueId });
        else outcomes.push({ address: r.address, status: 'failed', error, handled });
      } else if (states.length > 0 && states.every((s) => s === 'duplicate')) outcomes.push({ address: r.address, status: 'duplicate' });
      else outcomes.push({ address: r.address, status: 'delivered' });
    }

    // Step 7: the shared mailbox's own Sent folder, as the server, once the message is in (a failure here is logged, never the sender's).
    if (sentFor?.copySent && (deliveredCount > 0 || queueId !== null)) {
      await fileSentCopy(deps.mail, sentFor.ownerId, await message.buffer(), origin.log);
    }

    origin.log.info({
      id, origin: origin.kind, sender: envelope.sender, size: message.size, local: deliveredCount, localFailed: failures.length,
      outbound: outbound.length, queueId, folder,
    }, 'intake message accepted');
    return { id, folder, outcomes, delivered: deliveredCount, queueId: queueId ?? deferredQueueId };
  }

  return service;
}

/**
 * A notice (DSN) the server writes, through the intake like any message:
 * local senders get it in their mailbox, remote ones through the queue.
 * Notices come from the null sender, so a notice that cannot be delivered
 * is never answered by another (RFC 5321 §4.5.5). Throws when it could not
 * be handed over, so the caller keeps it pending; a local address that
 * leads nowhere drops it with a warning (a double bounce).
 */
export async function submitNotice(intake: IntakeService, origin: Pick<IntakeOrigin, 'log'>, bytes: Buffer, from: string, to: string): Promise<void> {
  let result: IntakeResult;
  try {
    result = await intake.accept({
      envelope: { sender: from, recipients: [{ address: to }] },
      message: bufferSource(bytes),
      principal: null,
      origin: { kind: 'notice', log: origin.log },
    });
  } catch (err) {
    if (isStoaError(err, 'STOA_RECIPIENT_UNKNOWN') || isStoaError(err, 'STOA_MAILBOX_DISABLED') || isStoaError(err, 'STOA_INVALID_ADDRESS')) {
      origin.log.warn({ address: to, code: err.code }, 'delivery status notification for a local address that receives no mail: dropped');
      return;
    }
    throw err;
  }
  const failed = result.outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) {
    const why = failed.map((o) => (o.status === 'failed' ? `${o.address}: ${o.error.message}` : '')).join('; ');
    throw new StoaError('STOA_INTERNAL', `local delivery of a notice to ${to} failed (${why})`);
  }
}
