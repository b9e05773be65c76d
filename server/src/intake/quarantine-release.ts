// Messages leaving quarantine, and the quarantine digest, go in through the
// intake like any other mail. A released message was accepted and filtered
// when it arrived and carries its trace and X-Stoa-Spam fields: it goes to
// the mailboxes (primary addresses) and outside addresses it was held for,
// without expansion or filtering again (origin 'release'). A digest is the
// server's own notice to one account.
import { systemActor } from '../directory/access.ts';
import type { AccountService } from '../directory/api.ts';
import type { SharedMailboxService } from '../directory/shared-mailbox-api.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { NoticeDelivery } from '../filter/quarantine-digest.ts';
import type { ReleaseDelivery } from '../filter/quarantine-service.ts';
import type { Logger } from '../log/logger.ts';
import type { IntakeResult, IntakeService } from './api.ts';
import { bufferSource } from './message-source.ts';

interface ReleaseDeps {
  intake: Pick<IntakeService, 'accept'>;
  accounts: Pick<AccountService, 'get'>;
  /** Held mail for a shared mailbox goes back to its address like an account's. */
  sharedMailboxes?: Pick<SharedMailboxService, 'get'>;
  log: Logger;
}

/** The primary address of a local recipient: an account's or a shared mailbox's; the address it was held for otherwise (an addressed public folder). */
async function primaryAddress(deps: ReleaseDeps, recipient: { accountId: string; address: string }): Promise<string> {
  for (const lookup of [deps.accounts, deps.sharedMailboxes]) {
    if (!lookup) continue;
    try {
      return (await lookup.get(systemActor(), recipient.accountId)).address;
    } catch (err) {
      if (!isStoaError(err, 'STOA_NOT_FOUND')) throw err;
    }
  }
  return recipient.address;
}

function failuresOf(result: IntakeResult): void {
  const failed = result.outcomes.find((o) => o.status === 'failed');
  if (failed && failed.status === 'failed') throw failed.error;
}

export function createReleaseDelivery(deps: ReleaseDeps): ReleaseDelivery {
  return async (entry, raw) => {
    const local = new Set<string>();
    for (const r of entry.recipients) {
      if (r.accountId === null) continue;
      local.add(await primaryAddress(deps, { accountId: r.accountId, address: r.address }));
    }
    const outside = [...new Set(entry.recipients.filter((r) => r.accountId === null).map((r) => r.address))];
    const recipients = [...[...local].map((address) => ({ address, folder: 'INBOX' as const })), ...outside.map((address) => ({ address }))];
    if (recipients.length === 0) throw new StoaError('STOA_VALIDATION', 'the held message has no recipients left');
    failuresOf(await deps.intake.accept({
      envelope: { sender: entry.sender, recipients }, message: bufferSource(raw), principal: null, origin: { kind: 'release', log: deps.log },
    }));
  };
}

export function createNoticeDelivery(deps: ReleaseDeps): NoticeDelivery {
  return async (accountId, raw) => {
    const account = await deps.accounts.get(systemActor(), accountId);
    failuresOf(await deps.intake.accept({
      envelope: { sender: '', recipients: [{ address: account.address }] }, message: bufferSource(raw), principal: null, origin: { kind: 'notice', log: deps.log },
    }));
  };
}
