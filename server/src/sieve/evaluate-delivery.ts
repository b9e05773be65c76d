// evaluateDelivery: the ONE entry point the intake service calls for each
// local recipient, after the filter verdict and before the mailbox is chosen.
//
// Contract
//   input   scripts    the domain's global script and the user's active one,
//                      compiled, with the scripts they include
//                      (SieveService.deliveryScripts(accountId) loads them);
//                      both null = no Sieve, the answer is the implicit keep
//           message    the raw message (and its MIME index when the caller
//                      has one); envelope sender ("" = null) and recipient
//           recipient  the account: id, address and every address it owns
//           verdict    the filter's: junk (spam folder / no vacation), the
//                      RFC 5235 spamtest 1-10 / percent, virustest 1-5
//           mailboxExists(name)  synchronous: the caller passes a lookup over
//                      the account's mailbox names, loaded once
//           now, vacationMemory (store.sieveVacation), hostname
//   output  actions    what to do, in order, never empty:
//                        keep {flags}        → deliver to INBOX (Junk when the
//                                              verdict says junk and the keep
//                                              is implicit: the caller decides)
//                        fileinto {mailbox, flags, create}
//                        redirect {address}  → intake.accept with origin 'sieve',
//                                              adding redirectTraceHeader()
//                        reject {reason, ereject}
//                        discard             → nothing is delivered
//           errors     run-time problems, to log and show to the user; a
//                      failed run yields exactly one implicit keep
//           vacation   a reply to send through intake (origin 'sieve'): null
//                      reverse-path `sender: ''`, `to`, complete `bytes`
//           redirectPolicy  optional: external redirects refused for the
//                      domain become a keep plus an error
//   The function never throws for anything a script or a message does, and
//   never returns actions that lose the message: a fileinto to a missing
//   mailbox (without :create) becomes a keep, a redirect back to the user or
//   around a loop is dropped for a keep.
import type { Buffer } from 'node:buffer';
import type { MessageIndex } from '../mail/mime/types.ts';
import type { SieveAction } from './actions.ts';
import type { SieveRuntimeError } from './errors.ts';
import type { CompiledScript } from './ir.ts';
import { DEFAULT_RUN_LIMITS, runScripts, type RunLimits } from './interpreter.ts';
import { createMessageView } from './message-view.ts';
import { buildVacationReply } from './vacation-reply.ts';
import { replyFrom, vacationDecision, vacationKey, type VacationMemory } from './vacation.ts';

/** A script with the scripts it includes, keyed "personal:<name>" / "global:<name>". */
export interface ScriptBundle {
  name: string;
  main: CompiledScript;
  includes: ReadonlyMap<string, CompiledScript>;
}

export interface DeliveryScripts {
  /** Run first, as if the user's script began with `include :global` of it (RFC 6609). */
  global: ScriptBundle | null;
  personal: ScriptBundle | null;
}

export interface DeliveryVerdict {
  /** The filter put the message in Junk. */
  junk: boolean;
  /** RFC 5235 spamtest value 1-10; null when the message was not tested. */
  spamScore?: number | null;
  /** RFC 5235 spamtestplus percentage 0-100. */
  spamPercent?: number | null;
  /** RFC 5235 virustest value 1-5. */
  virusScore?: number | null;
}

export interface DeliveryInput {
  scripts: DeliveryScripts;
  message: Buffer;
  index?: MessageIndex;
  envelope: { sender: string; recipient: string };
  recipient: { accountId: string; address: string; addresses: readonly string[] };
  verdict: DeliveryVerdict;
  mailboxExists(name: string): boolean;
  now: number;
  /** Zone of "local" dates (minutes east of UTC); the server's when omitted. */
  localZone?: number;
  vacationMemory: VacationMemory;
  hostname: string;
  limits?: RunLimits;
  /** Period between replies to one sender when the script gives none (RFC 5230 §4.1: 7 days). */
  defaultVacationSeconds?: number;
  /**
   * The domain's forwarding policy (SieveService.allowExternalRedirect) and
   * which domains are served here; without it every redirect is allowed.
   */
  redirectPolicy?: { allowExternal: boolean; isLocalDomain(domain: string): boolean };
}

export interface DeliveryError {
  kind: SieveRuntimeError['kind'] | 'mailbox-missing' | 'redirect-loop' | 'redirect-forbidden' | 'vacation';
  message: string;
  line: number | null;
  column: number | null;
}

export interface DeliveryOutcome {
  actions: SieveAction[];
  errors: DeliveryError[];
  vacation?: { sender: ''; to: string; bytes: Buffer };
}

/** Header the intake adds to each redirected copy; a message that already names the recipient is not redirected again. */
export const REDIRECT_TRACE_HEADER = 'X-Stoa-Sieve-Redirected-By';
/** Redirect hops a message may have taken through Sieve here before it stops being redirected. */
const MAX_REDIRECT_HOPS = 5;

export function redirectTraceHeader(recipient: string): string {
  return `${REDIRECT_TRACE_HEADER}: ${recipient.toLowerCase()}\r\n`;
}

const keepAction = (flags: string[] = []): SieveAction => ({ type: 'keep', flags, implicit: true });

export async function evaluateDelivery(input: DeliveryInput): Promise<DeliveryOutcome> {
  const { scripts, recipient } = input;
  if (scripts.global === null && scripts.personal === null) return { actions: [keepAction()], errors: [] };
  const message = createMessageView(input.message, input.index ? { index: input.index } : {});
  const run = runScripts(
    [
      ...(scripts.global ? [{ script: scripts.global.main, key: `global:${scripts.global.name}` }] : []),
      ...(scripts.personal ? [{ script: scripts.personal.main, key: `personal:${scripts.personal.name}` }] : []),
    ],
    {
      message,
      envelope: { from: input.envelope.sender, to: input.envelope.recipient },
      spam: { score: input.verdict.spamScore ?? null, percent: input.verdict.spamPercent ?? null },
      virus: input.verdict.virusScore ?? null,
      mailboxExists: (name) => name.toUpperCase() === 'INBOX' || input.mailboxExists(name),
      now: input.now,
      localZone: input.localZone ?? -new Date(input.now).getTimezoneOffset(),
      resolveInclude: (location, name) => scripts.personal?.includes.get(`${location}:${name}`) ?? scripts.global?.includes.get(`${location}:${name}`) ?? null,
      limits: input.limits ?? DEFAULT_RUN_LIMITS,
    },
  );
  const errors: DeliveryError[] = run.errors.map((e) => ({ kind: e.kind, message: e.message, line: e.line, column: e.column }));
  const own = new Set([recipient.address, ...recipient.addresses].map((a) => a.toLowerCase()));
  const trace = message.rawHeader(REDIRECT_TRACE_HEADER).map((v) => v.trim().toLowerCase());
  const actions: SieveAction[] = [];
  let needKeep = false;
  let vacation: DeliveryOutcome['vacation'];
  for (const action of run.actions) {
    if (action.type === 'fileinto' && !action.create && !input.mailboxExists(action.mailbox)) {
      errors.push({ kind: 'mailbox-missing', message: `mailbox "${action.mailbox}" does not exist; the message was kept in INBOX`, line: null, column: null });
      needKeep = true;
      continue;
    }
    if (action.type === 'redirect') {
      const target = action.address.toLowerCase();
      if (own.has(target) || trace.includes(recipient.address.toLowerCase()) || trace.length >= MAX_REDIRECT_HOPS) {
        errors.push({ kind: 'redirect-loop', message: `redirect to ${action.address} would loop; the message was kept in INBOX`, line: null, column: null });
        needKeep = true;
        continue;
      }
      const policy = input.redirectPolicy;
      const domain = target.slice(target.lastIndexOf('@') + 1);
      if (policy && !policy.allowExternal && !policy.isLocalDomain(domain)) {
        errors.push({ kind: 'redirect-forbidden', message: `forwarding to ${action.address} outside this server is disabled for the domain; the message was kept in INBOX`, line: null, column: null });
        needKeep = true;
        continue;
      }
    }
    if (action.type === 'vacation') {
      vacation = await vacationReply(input, message, action.vacation, errors);
      continue;
    }
    actions.push(action);
  }
  if (needKeep && !actions.some((a) => a.type === 'keep')) actions.unshift(keepAction());
  if (actions.length === 0) actions.push(keepAction());
  return vacation ? { actions, errors, vacation } : { actions, errors };
}

async function vacationReply(
  input: DeliveryInput, message: ReturnType<typeof createMessageView>,
  request: Extract<SieveAction, { type: 'vacation' }>['vacation'], errors: DeliveryError[],
): Promise<DeliveryOutcome['vacation']> {
  const { recipient } = input;
  const userAddresses = [recipient.address, ...recipient.addresses];
  const decision = vacationDecision(request, { userAddresses, envelopeSender: input.envelope.sender, message, junk: input.verdict.junk });
  if (!decision.reply) return undefined;
  const periodMs = (request.periodSeconds ?? input.defaultVacationSeconds ?? 7 * 86_400) * 1000;
  try {
    if (!(await input.vacationMemory.claim(vacationKey(recipient.accountId, request.handle, decision.to), input.now, periodMs))) return undefined;
  } catch (err) {
    // Without the memory a reply could repeat for every message: better none.
    errors.push({ kind: 'vacation', message: `vacation memory unavailable, no reply sent: ${(err as Error).message}`, line: null, column: null });
    return undefined;
  }
  const from = replyFrom(request, input.envelope.recipient || recipient.address, userAddresses);
  const bytes = buildVacationReply({ request, from, to: decision.to, original: message, now: input.now, hostname: input.hostname });
  return { sender: '', to: decision.to, bytes };
}

