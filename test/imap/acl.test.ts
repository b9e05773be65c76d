// RFC 4314 over IMAP: a mailbox shared through SETACL appears under
// "Other Users/<owner>/", and for every right a command needs, a user who
// was granted everything except that right cannot use the command.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, openImapHarness, type ImapHarness, type RawClient } from './harness.ts';
import { rightsMatrix, type RightsProbe } from './rights-matrix.ts';

const ALL = 'lrswipkxtea';
const SHARED = '"Other Users/owner@example.test/Team"';
const message = 'Subject: shared\r\n\r\nhello\r\n';

/** Each probe needs `right`; it runs in a session with every right except that one, the mailbox selected when `select` is set. */
const probes = (owner: () => RawClient): RightsProbe[] => [
  { right: 'l', name: 'LIST shows the mailbox', select: false, command: `LIST "" ${SHARED}` },
  { right: 'r', name: 'SELECT', select: false, command: `SELECT ${SHARED}` },
  { right: 'r', name: 'STATUS', select: false, command: `STATUS ${SHARED} (MESSAGES)` },
  { right: 's', name: 'STORE \\Seen', select: true, command: 'STORE 1 +FLAGS (\\Seen)' },
  { right: 'w', name: 'STORE a keyword', select: true, command: 'STORE 1 +FLAGS (Urgent)' },
  { right: 't', name: 'STORE \\Deleted', select: true, command: 'STORE 1 +FLAGS (\\Deleted)' },
  { right: 'e', name: 'EXPUNGE', select: true, command: 'EXPUNGE' },
  { right: 'i', name: 'APPEND', select: false, command: `APPEND ${SHARED} {${message.length}+}\r\n${message}` },
  { right: 'i', name: 'COPY into it', select: false, command: `COPY-INTO` },
  { right: 'k', name: 'CREATE a child', select: false, command: 'CREATE "Other Users/owner@example.test/Team/Child"', cleanup: async () => { await owner().command('DELETE Team/Child'); } },
  { right: 'x', name: 'DELETE', select: false, command: `DELETE ${SHARED}`, cleanup: async () => { await owner().command('CREATE Team'); } },
  { right: 'x', name: 'RENAME', select: false, command: `RENAME ${SHARED} "Other Users/owner@example.test/Projects/Team"`, cleanup: async () => { await owner().command('RENAME Projects/Team Team'); } },
  { right: 'a', name: 'GETACL', select: false, command: `GETACL ${SHARED}` },
  { right: 'a', name: 'SETACL', select: false, command: `SETACL ${SHARED} anyone lr`, cleanup: async () => { await owner().command('DELETEACL Team anyone'); } },
  { right: 't', name: 'MOVE out of it', select: true, command: 'MOVE 1 INBOX' },
  { right: 'r', name: 'FETCH a body', select: true, command: 'FETCH 1 (BODY.PEEK[TEXT])', revokedOnly: true },
  { right: 'r', name: 'SEARCH', select: true, command: 'UID SEARCH TEXT hello', revokedOnly: true },
];

describe('IMAP ACL (RFC 4314)', () => {
  let h: ImapHarness;
  let owner: RawClient;
  before(async () => {
    h = await openImapHarness();
    await h.user('owner');
    await h.user('guest');
    owner = await h.raw();
    await owner.command(`LOGIN owner@example.test "${PASSWORD}"`);
    await owner.command('CREATE Team');
    // The guest may create below Projects ("k"), so a RENAME of Team into it depends only on "x" on Team.
    await owner.command('CREATE Projects');
    await owner.command('SETACL Projects guest@example.test lk');
  });
  after(async () => h.close());

  async function guestWith(rights: string): Promise<RawClient> {
    await owner.command(`SETACL Team guest@example.test ${rights}`);
    // A message to act on, each time: earlier probes may have expunged or moved it.
    await owner.command(`APPEND Team {${message.length}+}\r\n${message}`);
    const guest = await h.raw();
    await guest.command(`LOGIN guest@example.test "${PASSWORD}"`);
    return guest;
  }

  it('shows a shared mailbox under Other Users with MYRIGHTS, and the owner sees the ACL', async () => {
    const guest = await guestWith('lr');
    assert.match(await guest.command('LIST "" "Other Users/*"'), /\* LIST \([^)]*\) "\/" "Other Users\/owner@example.test\/Team"/);
    assert.match(await guest.command('NAMESPACE'), /\* NAMESPACE \(\("" "\/"\)\) \(\("Other Users\/" "\/"\)\) \(\("Shared Folders\/" "\/"\)\)/);
    assert.match(await guest.command(`MYRIGHTS ${SHARED}`), /\* MYRIGHTS "Other Users\/owner@example.test\/Team" lr/);
    assert.match(await owner.command('GETACL Team'), /\* ACL Team owner@example.test lrswipkxtea guest@example.test lr/);
    assert.match(await guest.command(`SELECT ${SHARED}`), /OK \[READ-ONLY\]/);
  });

  it('hides a mailbox whose rights were all removed', async () => {
    await owner.command('DELETEACL Team guest@example.test');
    const guest = await h.raw();
    await guest.command(`LOGIN guest@example.test "${PASSWORD}"`);
    assert.match(await guest.command(`SELECT ${SHARED}`), /NO \[NONEXISTENT\]/);
    assert.doesNotMatch(await guest.command('LIST "" "*"'), /Team/);
  });

  rightsMatrix({
    box: SHARED, all: ALL, message, guestWith, probes: probes(() => owner),
    setRights: async (rights) => { await owner.command(`SETACL Team guest@example.test ${rights}`); },
  });
});
