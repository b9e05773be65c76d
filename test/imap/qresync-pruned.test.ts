// QRESYNC after the expunge log was pruned (RFC 7162 §3.2.5.2): housekeeping
// drops the old entries and records the mailbox's vanished horizon; a client
// whose modseq is older still ends up with exactly the server's view, because
// every UID the mailbox no longer has is reported (within known-uids, trimmed
// by the seq-match data) as UID ranges.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHousekeeping } from '../../server/src/operations/housekeeping.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { expungeLogPruneTask } from '../../server/src/mail/expunge-log.ts';
import type { Mailbox } from '../../server/src/store/mail-port.ts';
import { PASSWORD, openImapHarness, type ImapHarness, type RawClient } from './harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const DAY_MS = 86_400_000;
const LOGIN = `LOGIN carol@example.test "${PASSWORD}"`;

type View = Map<number, string>;

function uidsOf(set: string): number[] {
  return set.split(',').flatMap((part) => {
    const [a, b = a] = part.split(':').map(Number);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** Applies VANISHED (EARLIER) and FETCH (UID FLAGS) responses to a client's UID → flags view. */
function apply(view: View, text: string): { vanished: string | null } {
  const vanished = /\* VANISHED \(EARLIER\) ([\d:,]+)\r\n/.exec(text)?.[1] ?? null;
  if (vanished) for (const uid of uidsOf(vanished)) view.delete(uid);
  // \Recent belongs to the session (RFC 3501 §2.3.2), not to the stored state being compared.
  for (const m of text.matchAll(/\* \d+ FETCH \(UID (\d+) FLAGS \(([^)]*)\)/g)) view.set(Number(m[1]), m[2].split(' ').filter((f) => f !== '\\Recent').join(' '));
  return { vanished };
}

describe('IMAP QRESYNC below the pruned expunge log', () => {
  let h: ImapHarness;
  let inbox: Mailbox;

  before(async () => {
    h = await openImapHarness();
    const account = await h.user('carol');
    await h.mail.mailboxes.ensureDefaultMailboxes(SYSTEM, account.id);
    inbox = (await h.mail.mailboxes.find(SYSTEM, account.id, 'INBOX'))!.mailbox;
    for (let i = 1; i <= 21; i++) {
      await h.mail.messages.append(SYSTEM, inbox.id, { source: Buffer.from(`From: x@example.test\r\nSubject: m${i}\r\n\r\nbody ${i}\r\n`) });
    }
  });
  after(async () => h.close());

  async function expunge(ranges: [number, number][]): Promise<void> {
    await h.mail.messages.storeFlags(SYSTEM, inbox.id, ranges, { mode: 'add', flags: ['\\Deleted'] });
    await h.mail.messages.expunge(SYSTEM, inbox.id, ranges);
  }

  async function session(): Promise<RawClient> {
    const c = await h.raw();
    assert.match(await c.command(LOGIN), /OK/);
    assert.match(await c.command('ENABLE QRESYNC'), /\* ENABLED QRESYNC/);
    return c;
  }

  /** The server's view, read by a fresh session. */
  async function serverView(): Promise<View> {
    const c = await session();
    await c.command('EXAMINE INBOX');
    const view: View = new Map();
    apply(view, await c.command('UID FETCH 1:* (FLAGS)'));
    c.close();
    return view;
  }

  it('brings a client that synced before the horizon to the server\'s view', async () => {
    // UID 1 goes before the client's first sync: the client never knows it.
    await expunge([[1, 1]]);
    const c = await session();
    const sel = await c.command('SELECT INBOX');
    const validity = /UIDVALIDITY (\d+)/.exec(sel)![1];
    const modseq = /HIGHESTMODSEQ (\d+)/.exec(sel)![1];
    const view: View = new Map();
    apply(view, await c.command('UID FETCH 1:* (FLAGS)'));
    assert.equal(view.size, 20);
    await c.command('LOGOUT');

    // While the client is away: expunges (one above its last UID after new mail), a flag change, new mail.
    await expunge([[3, 5], [10, 10]]);
    await h.mail.messages.storeFlags(SYSTEM, inbox.id, [[7, 7]], { mode: 'add', flags: ['\\Seen'] });
    await h.mail.messages.append(SYSTEM, inbox.id, { source: Buffer.from('From: x@example.test\r\nSubject: m22\r\n\r\nlate\r\n') });
    await h.mail.messages.append(SYSTEM, inbox.id, { source: Buffer.from('From: x@example.test\r\nSubject: m23\r\n\r\nlate\r\n') });
    await expunge([[21, 22]]);

    // Housekeeping a month later prunes every entry, above the client's modseq too.
    const month = 31 * DAY_MS;
    const housekeeping = startHousekeeping({
      config: h.config, store: h.store, directory: h.directory, logger: createLogger(h.config),
      tasks: [expungeLogPruneTask({ config: h.config, messages: h.store.messages }, () => Date.now() + month)],
    });
    const report = await housekeeping.runOnce();
    await housekeeping.stop();
    assert.equal(report.pruned.expungeLog, 7);
    assert.equal((await h.store.messages.changesSince(inbox.id, Number(modseq))).vanishedExact, false);

    // Known UIDs 1:21 bound the answer: 1 was never seen by this client but is reported (RFC 7162 §3.2.5.2 allows it).
    const again = await session();
    const resync = await again.command(`SELECT INBOX (QRESYNC (${validity} ${modseq} 1:21))`);
    assert.equal(apply(view, resync).vanished, '1,3:5,10,21');
    assert.deepEqual(view, await serverView());
    assert.equal(view.get(7), '\\Seen');
    assert.equal(view.get(23), '');
    assert.match(resync, new RegExp(`\\* ${view.size} EXISTS`));

    // The seq-match data (client's message numbers of UIDs 2 and 6 were 1 and 5) trims what is provably unchanged.
    await again.command('UNSELECT');
    const trimmed = await again.command(`SELECT INBOX (QRESYNC (${validity} ${modseq} 1:21 (1,5 2,6)))`);
    assert.match(trimmed, /\* VANISHED \(EARLIER\) 3:5,10,21\r\n/);
    // Without known-uids: every UID below UIDNEXT that is gone.
    await again.command('UNSELECT');
    assert.match(await again.command(`SELECT INBOX (QRESYNC (${validity} ${modseq}))`), /\* VANISHED \(EARLIER\) 1,3:5,10,21:22\r\n/);
    // UID FETCH … (CHANGEDSINCE … VANISHED) answers from the same ranges, within the UID set.
    assert.match(await again.command(`UID FETCH 4:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`), /\* VANISHED \(EARLIER\) 4:5,10,21:22\r\n/);
  });
});
