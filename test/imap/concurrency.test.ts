// Twenty sessions on two mailboxes doing random APPEND, STORE, EXPUNGE and
// MOVE at the same time; after every round each session's view (after NOOP)
// must equal the store's: the same UIDs in the same order with the same flags.
// Racing APPENDs must never share a UID.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeFlags } from '../../server/src/model/mail-flags.ts';
import { PASSWORD, openImapHarness, type ImapHarness, type RawClient } from './harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const SESSIONS = 20;
const ROUNDS = 15;
const BOXES = ['INBOX', 'Shared'];

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function parseView(text: string): Array<{ seq: number; uid: number; flags: string[] }> {
  const out: Array<{ seq: number; uid: number; flags: string[] }> = [];
  for (const m of text.matchAll(/\* (\d+) FETCH \(UID (\d+) FLAGS \(([^)]*)\)\)/g)) {
    // \Recent belongs to the session (RFC 3501 §2.3.2), not to the stored message.
    out.push({ seq: Number(m[1]), uid: Number(m[2]), flags: m[3] ? m[3].split(' ').filter((f) => f !== '\\Recent').sort() : [] });
  }
  return out;
}

describe('IMAP concurrency', () => {
  let h: ImapHarness;
  const clients: Array<{ c: RawClient; box: string }> = [];
  let accountId = '';
  before(async () => {
    h = await openImapHarness();
    accountId = (await h.user('team')).id;
    await h.mail.mailboxes.create(SYSTEM, accountId, 'Shared');
    for (let i = 0; i < SESSIONS; i++) {
      const c = await h.raw();
      await c.command(`LOGIN team@example.test "${PASSWORD}"`);
      const box = BOXES[i % 2];
      await c.command(`SELECT ${box}`);
      clients.push({ c, box });
    }
  });
  after(async () => h.close());

  it('keeps every session consistent with the store under random concurrent changes', async () => {
    const random = rng(42);
    const allAppended: number[][] = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(clients.map(async ({ c, box }, i) => {
        const op = random();
        const body = `Subject: r${round} s${i}\r\n\r\nbody\r\n`;
        if (op < 0.4) {
          const res = await c.command(`APPEND ${BOXES[i % 2]} {${body.length}+}\r\n${body}`);
          const uid = /APPENDUID \d+ (\d+)/.exec(res);
          if (uid) allAppended[i % 2].push(Number(uid[1]));
        } else if (op < 0.65) {
          await c.command(`UID STORE ${1 + Math.floor(random() * 40)} +FLAGS (\\Seen k${round % 3})`);
        } else if (op < 0.8) {
          await c.command(`UID STORE ${1 + Math.floor(random() * 40)} +FLAGS.SILENT (\\Deleted)`);
          await c.command('EXPUNGE');
        } else {
          await c.command(`UID MOVE ${1 + Math.floor(random() * 40)} ${box === 'INBOX' ? 'Shared' : 'INBOX'}`);
        }
      }));
      for (const { c, box } of clients) {
        await c.command('NOOP');
        const view = parseView(await c.command('FETCH 1:* (UID FLAGS)'));
        const mailbox = (await h.mail.mailboxes.find(SYSTEM, accountId, box))!.mailbox;
        const list = await h.mail.messages.list(SYSTEM, mailbox.id);
        const expected = [...list.uids].map((uid, j) => ({ seq: j + 1, uid, flags: decodeFlags(list.systemFlags[j], list.keywords.get(uid) ?? null).sort() }));
        assert.deepEqual(view, expected, `round ${round}, session on ${box}`);
      }
    }
    for (const uids of allAppended) assert.equal(new Set(uids).size, uids.length, 'racing APPENDs got the same UID');
  });
});
