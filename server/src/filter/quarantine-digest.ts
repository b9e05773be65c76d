// The daily quarantine digest (filter.quarantine.digest): at the configured
// hour (UTC), every local recipient with newly held messages gets one plain
// text message in their INBOX listing them (sender, subject, reason, id), so
// that mail held by mistake is noticed and released (by them, where the
// domain allows it, or by asking an admin). One node sends it per day: the
// day's digest is taken as a store lock; each entry is listed once.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/logger.ts';
import type { QuarantineEntry } from '../store/filter-port.ts';
import type { Store } from '../store/port.ts';

/** Delivers a notice to one account's INBOX (the lead points it at intake.accept with origin "notice"). */
export type NoticeDelivery = (accountId: string, raw: Buffer) => Promise<void>;

const BATCH = 1000;

/** RFC 5322 plain-text notice; the header values are ASCII, the body UTF-8 (RFC 6532 clients read it). */
export function digestMessage(hostname: string, address: string, entries: readonly QuarantineEntry[], now: Date, userRelease: boolean): Buffer {
  const lines = entries.map((e) => `- ${new Date(e.heldAt).toISOString().slice(0, 16).replace('T', ' ')}  from ${e.from || e.sender || '<>'}\n  subject: ${e.subject || '(none)'}\n  why: ${e.reason}\n  id: ${e.id}`);
  const body = [
    `${entries.length} message(s) addressed to you were held in quarantine since the last digest:`, '', ...lines, '',
    userRelease
      ? 'You can release or delete them in the web console (My quarantine), or ask your administrator.'
      : 'If one of them is wanted mail, ask your administrator to release it (quote its id).',
    `Held messages are deleted automatically after the retention period.`,
  ].join('\n').replace(/\n/g, '\r\n');
  const head = [
    `From: Mail filter <postmaster@${hostname}>`, `To: <${address}>`, `Subject: Quarantine digest: ${entries.length} held message(s)`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`, `Message-ID: <${randomUUID()}@${hostname}>`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', 'Auto-Submitted: auto-generated',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}\r\n`, 'utf8');
}

export function createQuarantineDigest(deps: {
  store: Store; logger: Logger; hostname: string; enabled: boolean; hourUtc: number;
  userRelease: (entry: QuarantineEntry) => boolean; deliver: NoticeDelivery; now: () => number;
}): { run(): Promise<number> } {
  return {
    async run() {
      const now = new Date(deps.now());
      if (!deps.enabled || now.getUTCHours() !== deps.hourUtc) return 0;
      const day = now.toISOString().slice(0, 10);
      // Held for a day: another node (or a later run this hour) finds it taken.
      if (!await deps.store.locks.acquire(`quarantine-digest:${day}`, `digest-${randomUUID()}`, 26 * 3_600_000, deps.now())) return 0;
      let sent = 0;
      for (;;) {
        const batch = await deps.store.quarantine.undigested(BATCH);
        if (batch.length === 0) return sent;
        const byAccount = new Map<string, QuarantineEntry[]>();
        for (const e of batch) for (const id of e.accountIds) byAccount.set(id, [...(byAccount.get(id) ?? []), e]);
        for (const [accountId, entries] of byAccount) {
          const account = await deps.store.accounts.get(accountId);
          if (!account) continue;
          try {
            await deps.deliver(accountId, digestMessage(deps.hostname, account.address, entries, now, entries.every(deps.userRelease)));
            sent++;
          } catch (err) {
            deps.logger.warn({ err, account: account.address }, 'quarantine digest could not be delivered');
          }
        }
        await deps.store.quarantine.markDigested(batch.map((e) => e.id));
        if (batch.length < BATCH) return sent;
      }
    },
  };
}
