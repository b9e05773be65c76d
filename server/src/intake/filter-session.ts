// The filter pipeline as the intake runs it (DESIGN.md "One filter
// pipeline"): a connection's context lives in an IntakeSession, opened when
// an SMTP client connects (connect stage), and each transaction gets its own
// context (HELO once per connection, MAIL, every RCPT, DATA). A caller that
// has no SMTP session (the queue, notices, Sieve) is not filtered here: its
// mail already was, or is the server's own. A hard refusal is thrown as a
// FilterRefusal, which every front end maps to its reply.
import type { Actor } from '../directory/api.ts';
import { FilterRefusal } from '../filter/decision.ts';
import type { FilterService, MessageEvaluation } from '../filter/filter-service.ts';
import type { FilterContext, HardDecision } from '../filter/pipeline-types.ts';
import { ReadMemo, withReadMemo } from '../store/read-memo.ts';
import type { IntakeOrigin, IntakeSession, MessageSource } from './api.ts';

/** What the intake needs of the filter service. */
export type IntakeFilter = Pick<FilterService, 'session' | 'transaction' | 'runStage' | 'evaluateMessage' | 'hold'>;

/** The filter's contexts of one connection, behind the opaque IntakeSession the front end holds. */
class Session implements IntakeSession {
  readonly connection: FilterContext;
  heloChecked = false;
  transaction: FilterContext | null = null;
  /** Directory rows the current mail transaction has read (store/read-memo.ts): a new memo at every MAIL. */
  readMemo: ReadMemo | null = null;
  constructor(connection: FilterContext) {
    this.connection = connection;
  }
  get trusted(): boolean {
    return this.connection.allowListed;
  }
}

/** A refusing hard decision (reject, defer) thrown as a FilterRefusal; anything else passes. */
export function enforceHard(decision: HardDecision | null): void {
  if (!decision || (decision.action !== 'reject' && decision.action !== 'defer')) return;
  const defer = decision.action === 'defer';
  throw new FilterRefusal({
    action: decision.action, check: decision.check, reason: decision.reason,
    smtpCode: decision.smtpCode ?? (defer ? 451 : 550), enhancedCode: decision.enhancedCode ?? (defer ? '4.7.1' : '5.7.1'),
  });
}

function direction(origin: IntakeOrigin): 'inbound' | 'outbound' {
  return origin.kind === 'smtp' ? 'inbound' : 'outbound';
}

export function openFilterSession(filter: IntakeFilter, origin: IntakeOrigin): Session {
  return new Session(filter.session({ direction: direction(origin), ip: origin.ip ?? '', clientHostname: origin.clientHostname ?? null, log: origin.log }));
}

function sessionOf(origin: IntakeOrigin): Session | null {
  return origin.session instanceof Session ? origin.session : null;
}

/** The connect stage: IP allow and deny lists, DNS blocklists (MX). */
export async function checkConnection(filter: IntakeFilter, session: IntakeSession): Promise<void> {
  if (!(session instanceof Session)) return;
  enforceHard(await filter.runStage('connect', session.connection));
}

/** HELO (once per connection) and MAIL stages; starts the transaction's context. */
export async function checkSenderStages(filter: IntakeFilter, origin: IntakeOrigin, principal: Actor | null, sender: string): Promise<void> {
  const session = sessionOf(origin);
  if (!session) return;
  const { connection } = session;
  connection.helo = origin.helo ?? '';
  // The front end looks the reverse name up while the session goes on (the banner does not wait for it): the latest one counts.
  if (origin.clientHostname !== undefined) connection.clientHostname = origin.clientHostname;
  if (principal && principal.id !== null) connection.account = { id: principal.id, address: principal.login };
  if (!session.heloChecked) {
    // Marked only once passed: a client refused here is refused again at its next MAIL FROM.
    enforceHard(await filter.runStage('helo', connection));
    session.heloChecked = true;
  }
  const tx = filter.transaction(connection);
  tx.sender = sender;
  session.transaction = null;
  session.readMemo?.close();
  session.readMemo = new ReadMemo();
  enforceHard(await filter.runStage('mail', tx));
  session.transaction = tx;
}

/**
 * Runs `fn` in the read memo of the origin's mail transaction (from its MAIL
 * on), so that RCPT and DATA read each directory row once; as it is without one.
 */
export function inTransactionMemo<T>(origin: IntakeOrigin, fn: () => Promise<T>): Promise<T> {
  const memo = sessionOf(origin)?.readMemo;
  return memo ? withReadMemo(memo, fn) : fn();
}

/** The origin's mail transaction has ended (its DATA is answered): its memo reads no more. */
export function endTransactionMemo(origin: IntakeOrigin): void {
  const session = sessionOf(origin);
  session?.readMemo?.close();
  if (session) session.readMemo = null;
}

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** The RCPT stage (greylisting), then the recipient joins the transaction's context. */
export async function checkRecipientStage(
  filter: IntakeFilter, origin: IntakeOrigin, address: string, local: readonly { accountId: string; address: string }[], outside: boolean,
): Promise<void> {
  const tx = sessionOf(origin)?.transaction;
  if (!tx) return;
  const first = local[0];
  tx.recipient = { address, accountId: first?.accountId ?? null, domain: domainOf(first?.address ?? address) };
  try {
    enforceHard(await filter.runStage('rcpt', tx));
  } finally {
    tx.recipient = null;
  }
  // The filter sees every mailbox the address leads to (the account's primary domain picks its policy) and the outside ones.
  for (const t of local) tx.recipients.push({ address, accountId: t.accountId, domain: domainOf(t.address) });
  if (outside) tx.recipients.push({ address, accountId: null, domain: domainOf(address) });
}

/** What the DATA stage decided, for the intake to apply. */
export interface DataVerdict {
  evaluation: MessageEvaluation;
  /** The context the verdict was made in (for quarantine). */
  context: FilterContext;
}

/**
 * The DATA stage on a message from an SMTP client (inbound on MX, outbound
 * on submission) or a calendar message a user's event sends (iMIP, judged
 * as outbound mail of its organizer: rate limit, locked account, content):
 * the verdict, or a FilterRefusal for reject and defer. Null for origins the
 * filter does not judge.
 */
export async function evaluateData(
  filter: IntakeFilter, origin: IntakeOrigin, principal: Actor | null, sender: string,
  recipients: readonly { address: string; local: readonly { accountId: string; address: string }[]; outside: boolean }[],
  message: MessageSource, maxScanBytes: number,
): Promise<DataVerdict | null> {
  if (origin.kind !== 'smtp' && origin.kind !== 'submission' && origin.kind !== 'calendar') return null;
  let context = sessionOf(origin)?.transaction ?? null;
  if (!context) {
    // A caller without a connection (a test, an import tool speaking for SMTP): one context for this message.
    const session = openFilterSession(filter, origin);
    await checkSenderStages(filter, { ...origin, session }, principal, sender);
    context = session.transaction!;
    for (const r of recipients) {
      for (const t of r.local) context.recipients.push({ address: r.address, accountId: t.accountId, domain: domainOf(t.address) });
      if (r.outside) context.recipients.push({ address: r.address, accountId: null, domain: domainOf(r.address) });
    }
  }
  const evaluation = await filter.evaluateMessage(context, { raw: await message.head(maxScanBytes), size: message.size, stream: () => message.stream() });
  if (evaluation.reply) {
    throw new FilterRefusal({
      action: evaluation.action === 'defer' ? 'defer' : 'reject', check: evaluation.verdict.decision?.check ?? 'score',
      reason: evaluation.reply.text, smtpCode: evaluation.reply.code, enhancedCode: evaluation.reply.enhanced,
    });
  }
  return { evaluation, context };
}
