// stoa queue list|show|retry|delete: the outbound queue, as the admin API
// shows it (docs/queue.md). The CLI runs no delivery worker: a retry makes
// recipients due and the server's worker sends them at its next scan.
import { asciiDomain } from '../../queue/mx-resolver.ts';
import type { QueueDetail } from '../../queue/queue-service.ts';
import type { DeliveryAttempt, QueueFilter, QueueSummary, QueuedMessage, QueuedRecipient, RecipientStatus, SmtpAnswer } from '../../model/queue.ts';
import { UsageError, flagOpt, stringOpt, type CommandGroup } from '../command.ts';
import { formatBytes, renderRecord, renderTable } from '../table.ts';
import { LIST_DETAILS, LIST_OPTIONS, collectPages } from './paging.ts';

const STATUSES: readonly RecipientStatus[] = ['queued', 'deferred', 'delivered', 'failed'];

// --json prints what GET /api/v1/queue and /api/v1/queue/:id return: ISO 8601 times.
const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const messageJson = (m: QueuedMessage) => ({ ...m, createdAt: iso(m.createdAt), expiresAt: iso(m.expiresAt), completedAt: isoOrNull(m.completedAt) });
const summaryJson = (s: QueueSummary) => ({ ...messageJson(s), nextAttemptAt: isoOrNull(s.nextAttemptAt) });
const detailJson = (d: QueueDetail) => ({
  message: messageJson(d.message),
  recipients: d.recipients.map(({ messageId: _m, updatedAt: _u, ...r }) => ({ ...r, nextAttemptAt: iso(r.nextAttemptAt), leaseUntil: isoOrNull(r.leaseUntil) })),
  attempts: d.attempts.map(({ messageId: _m, ...a }) => ({ ...a, at: iso(a.at) })),
});

/** "45s", "12m", "3h 5m", "2d 4h". */
function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  return h % 24 ? `${Math.floor(h / 24)}d ${h % 24}h` : `${Math.floor(h / 24)}d`;
}

const sender = (s: string): string => (s === '' ? '<>' : s);
const answer = (a: SmtpAnswer | null): string => (a ? [a.code, a.enhanced, a.text].filter((x) => x !== null && x !== '').join(' ') : '');
const size = (n: number): string => (n === 0 ? '0 B' : formatBytes(n));
const shorten = (text: string, max = 60): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function nextAttempt(at: number | null, now: number): string {
  if (at === null) return '';
  return at <= now ? 'now' : `in ${formatDuration(at - now)}`;
}

function recipientState(r: QueuedRecipient, now: number): string {
  const open = r.status === 'queued' || r.status === 'deferred';
  if (r.noticePending) return `${r.status}, ${r.noticePending} notice pending`;
  return open && r.leaseOwner !== null && (r.leaseUntil ?? 0) > now ? `${r.status}, being delivered` : r.status;
}

/** The newest remote answer among a message's recipients, for the list. */
function lastAnswer(recipients: readonly QueuedRecipient[]): string {
  const answered = recipients.filter((r) => r.lastResponse !== null).sort((a, b) => b.updatedAt - a.updatedAt);
  return answered.length ? shorten(answer(answered[0].lastResponse)) : '';
}

function renderDetail(d: QueueDetail, now: number): string {
  const m = d.message;
  const head = renderRecord({
    id: m.id,
    sender: sender(m.sender),
    created: `${iso(m.createdAt)} (${formatDuration(now - m.createdAt)} ago)`,
    expires: iso(m.expiresAt),
    completed: isoOrNull(m.completedAt),
    size: size(m.size),
    dsn: [m.ret && `RET=${m.ret}`, m.envId && `ENVID=${m.envId}`].filter(Boolean).join(' '),
    account: m.accountId,
  });
  const recipients = renderTable(d.recipients, [
    { header: 'recipient', value: (r) => r.address },
    { header: 'state', value: (r) => recipientState(r, now) },
    { header: 'attempts', value: (r) => r.attempts },
    { header: 'next attempt', value: (r) => (r.status === 'queued' || r.status === 'deferred' || r.noticePending ? nextAttempt(r.nextAttemptAt, now) : '') },
    { header: 'last answer', value: (r) => answer(r.lastResponse) },
  ]);
  const attempts = d.attempts.length === 0 ? 'No delivery attempts yet.' : renderTable<DeliveryAttempt>(d.attempts, [
    { header: 'time', value: (a) => iso(a.at) },
    { header: 'recipient', value: (a) => a.address },
    { header: 'mx', value: (a) => a.mxHost },
    { header: 'ip', value: (a) => a.ip },
    { header: 'tls', value: (a) => (a.tls ? 'yes' : 'no') },
    { header: 'result', value: (a) => a.result },
    { header: 'answer', value: (a) => answer(a.response) },
  ]);
  return [head, '', 'Recipients:', recipients, '', 'Attempts:', attempts].join('\n');
}

export const queueCommands: CommandGroup = {
  name: 'queue',
  summary: 'outbound mail waiting for remote delivery',
  commands: [
    {
      name: 'list', summary: 'list queued messages, newest first', usage: '[--status S] [--domain D] [--sender ADDRESS] [--all] [--limit N] [--offset N]', positionals: 0,
      options: { limit: LIST_OPTIONS.limit, offset: LIST_OPTIONS.offset, status: { type: 'string' }, domain: { type: 'string' }, sender: { type: 'string' }, all: { type: 'boolean' } },
      details: [
        `--status S       only messages with a recipient in state S (${STATUSES.join(', ')})`,
        '--domain D       only messages with a recipient in domain D',
        '--sender ADDRESS only messages from this envelope sender ("<>" for bounces)',
        '--all            include completed messages (kept for queue.completedRetentionMs)',
        ...LIST_DETAILS.filter((d) => !d.startsWith('--q ')),
      ],
      async run(ctx, { values }) {
        const filter: QueueFilter = {};
        const status = stringOpt(values, 'status');
        if (status !== undefined) {
          if (!STATUSES.includes(status as RecipientStatus)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
          filter.status = status as RecipientStatus;
        }
        const domain = stringOpt(values, 'domain');
        if (domain !== undefined) {
          // Recipients are stored with the A-label domain, as they are sent.
          const ascii = asciiDomain(domain);
          if (!ascii) throw new UsageError(`--domain: "${domain}" is not a domain name`);
          filter.domain = ascii;
        }
        const from = stringOpt(values, 'sender');
        if (from !== undefined) filter.sender = from === '<>' ? '' : from;
        if (flagOpt(values, 'all')) filter.includeCompleted = true;
        const queue = await ctx.queue();
        const { items, total } = await collectPages(values, (offset, limit) => queue.list(ctx.actor, filter, offset, limit));
        const answers = new Map<string, string>();
        if (!ctx.json) {
          // The summary has no answer; one read per shown row is cheap next to reading it in a terminal.
          for (const m of items) answers.set(m.id, lastAnswer((await queue.inspect(ctx.actor, m.id).catch(() => null))?.recipients ?? []));
        }
        const now = Date.now();
        ctx.emit({ items: items.map(summaryJson), total }, () => (items.length === 0
          ? (filter.includeCompleted ? 'The queue is empty.' : 'No messages waiting (--all includes completed ones).')
          : renderTable(items, [
            { header: 'id', value: (m) => m.id },
            { header: 'age', value: (m) => formatDuration(now - m.createdAt) },
            { header: 'sender', value: (m) => sender(m.sender) },
            { header: 'pending', value: (m) => `${m.pendingCount}/${m.recipientCount}` },
            { header: 'next attempt', value: (m) => (m.completedAt !== null ? 'completed' : nextAttempt(m.nextAttemptAt, now)) },
            { header: 'last answer', value: (m) => answers.get(m.id) },
          ])));
        return 0;
      },
    },
    {
      name: 'show', summary: 'show a message, the state of each recipient and its delivery log', usage: 'ID', positionals: 1,
      async run(ctx, { positionals }) {
        const detail = await (await ctx.queue()).inspect(ctx.actor, positionals[0]);
        ctx.emit(detailJson(detail), () => renderDetail(detail, Date.now()));
        return 0;
      },
    },
    {
      name: 'retry', summary: 'make the pending recipients of a message due now', usage: 'ID', positionals: 1,
      details: ['The running server\'s delivery worker sends them at its next scan (queue.worker.pollIntervalMs).'],
      async run(ctx, { positionals }) {
        const id = positionals[0];
        const rescheduled = await (await ctx.queue()).retryNow(ctx.actor, id);
        const poll = ctx.config().config.queue.worker.pollIntervalMs;
        ctx.emit({ rescheduled }, () => (rescheduled === 0
          ? `Nothing to retry: every recipient of ${id} is final.`
          : `${rescheduled} recipient${rescheduled === 1 ? '' : 's'} of ${id} due now; the server's delivery worker sends ${rescheduled === 1 ? 'it' : 'them'} at its next scan (within ${formatDuration(poll)}).`));
        return 0;
      },
    },
    {
      name: 'delete', summary: 'remove a message from the queue without notifying anyone', usage: 'ID', positionals: 1,
      async run(ctx, { positionals }) {
        const queue = await ctx.queue();
        const { message, recipients } = await queue.inspect(ctx.actor, positionals[0]);
        await queue.delete(ctx.actor, message.id);
        const removed = { id: message.id, sender: message.sender, size: message.size, createdAt: iso(message.createdAt), recipients: recipients.map((r) => ({ address: r.address, status: r.status })) };
        ctx.emit({ removed }, () => [
          `Removed queued message ${message.id} from ${sender(message.sender)} (${size(message.size)}, queued ${iso(message.createdAt)}); no notice was sent.`,
          ...recipients.map((r) => `  ${r.address} (${r.status})`),
        ].join('\n'));
        return 0;
      },
    },
  ],
};
