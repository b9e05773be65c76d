// Public folders ("Shared Folders/…", RFC 2342 shared namespace) and group
// identifiers in ACLs (RFC 4314 §2), over real sockets: two users of a domain
// share a public folder, a user of another domain never sees it, every right
// is enforced on it, and rights granted to a nested group follow membership.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { createPublicFolderService, type PublicFolderService } from '../../server/src/mail/public-folder-service.ts';
import { PASSWORD, openImapHarness, type ImapHarness, type RawClient } from './harness.ts';
import { rightsMatrix, type RightsProbe } from './rights-matrix.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const ALL = 'lrswipkxtea';
const message = 'Subject: public\r\n\r\nhello everyone\r\n';

describe('IMAP public folders and group ACLs', () => {
  let h: ImapHarness;
  let folders: PublicFolderService;
  let domainId: string;
  before(async () => {
    h = await openImapHarness();
    folders = createPublicFolderService({ store: h.store, bus: h.bus, directory: h.directory });
    domainId = (await h.directory.domains.get(systemActor(), 'example.test')).id;
    await h.directory.domains.create(systemActor(), { name: 'other.test' });
    await h.directory.accounts.create(systemActor(), { address: 'eve@other.test', password: PASSWORD });
    for (const u of ['alice', 'bob', 'guest', 'carol', 'dave']) await h.user(u);
  });
  after(async () => h.close());

  async function login(address: string): Promise<RawClient> {
    const c = await h.raw();
    assert.match(await c.command(`LOGIN ${address} "${PASSWORD}"`), /OK/);
    return c;
  }

  it('lets two users of a domain share a public folder through imapflow, and hides it from another domain', async () => {
    const sales = await folders.create(systemActor(), 'example.test', 'Sales');
    await folders.grant(systemActor(), 'example.test', sales.id, 'alice@example.test', 'lrswite');
    await folders.grant(systemActor(), 'example.test', sales.id, 'bob@example.test', 'lrsi');
    // "anyone" means anyone of the domain: eve, of other.test, gets nothing from it.
    await folders.grant(systemActor(), 'example.test', sales.id, 'anyone', 'l');

    const alice = await h.client('alice@example.test');
    const bob = await h.client('bob@example.test');
    const eve = await h.client('eve@other.test');
    const namespaces = alice.namespaces;
    assert.ok(namespaces && namespaces.shared && namespaces.other);
    assert.deepEqual(namespaces.shared.map((n) => n.prefix), ['Shared Folders/']);
    assert.deepEqual(namespaces.other.map((n) => n.prefix), ['Other Users/']);
    assert.ok((await alice.list()).some((m) => m.path === 'Shared Folders/Sales'));
    assert.ok((await bob.list()).some((m) => m.path === 'Shared Folders/Sales'));
    assert.ok(!(await eve.list()).some((m) => m.path.startsWith('Shared Folders/')));

    const appended = await alice.append('Shared Folders/Sales', Buffer.from(message), ['\\Flagged']);
    assert.ok(appended && appended.uid);
    const lock = await bob.getMailboxLock('Shared Folders/Sales');
    try {
      const seen = [];
      for await (const m of bob.fetch('1:*', { uid: true, flags: true, envelope: true })) seen.push(m);
      assert.equal(seen.length, 1);
      assert.equal(seen[0].envelope?.subject, 'public');
      assert.ok(seen[0].flags?.has('\\Flagged'));
      assert.ok(await bob.messageFlagsAdd('1', ['\\Seen']));
      // Bob has no "w": other flags are refused.
      await assert.rejects(bob.messageFlagsAdd('1', ['\\Answered']).then((ok) => { if (!ok) throw new Error('refused'); }));
    } finally {
      lock.release();
    }
    const status = await alice.status('Shared Folders/Sales', { messages: true, unseen: true });
    assert.ok(status);
    assert.equal(status.messages, 1);
    await assert.rejects(eve.mailboxOpen('Shared Folders/Sales'));
    const evil = await login('eve@other.test');
    assert.match(await evil.command('SELECT "Shared Folders/Sales"'), /NO \[NONEXISTENT\]/);
    assert.match(await evil.command('MYRIGHTS "Shared Folders/Sales"'), /NO \[NONEXISTENT\]/);
    assert.match(await evil.command('NAMESPACE'), /\(\("Shared Folders\/" "\/"\)\)/);
  });

  describe('rights matrix on a public folder', () => {
    const BOX = '"Shared Folders/Matrix"';
    let folderId: string;
    before(async () => {
      folderId = (await folders.create(systemActor(), 'example.test', 'Matrix')).id;
    });

    async function guestWith(rights: string): Promise<RawClient> {
      await folders.grant(systemActor(), 'example.test', folderId, 'guest@example.test', rights);
      await h.mail.messages.append(SYSTEM, folderId, { source: Buffer.from(message) });
      return login('guest@example.test');
    }

    const PROBES: RightsProbe[] = [
      { right: 'l', name: 'LIST shows it', command: `LIST "" ${BOX}` },
      { right: 'r', name: 'SELECT', command: `SELECT ${BOX}` },
      { right: 'r', name: 'STATUS', command: `STATUS ${BOX} (MESSAGES UNSEEN)` },
      { right: 's', name: 'STORE \\Seen', select: true, command: 'STORE 1 +FLAGS (\\Seen)' },
      { right: 'w', name: 'STORE a keyword', select: true, command: 'STORE 1 +FLAGS (Urgent)' },
      { right: 't', name: 'STORE \\Deleted', select: true, command: 'STORE 1 +FLAGS (\\Deleted)' },
      { right: 'e', name: 'EXPUNGE', select: true, command: 'EXPUNGE' },
      { right: 'i', name: 'APPEND', command: `APPEND ${BOX} {${message.length}+}\r\n${message}` },
      { right: 'i', name: 'COPY into it', command: 'COPY-INTO' },
      { right: 'e', name: 'MOVE out of it', select: true, command: 'MOVE 1 INBOX' },
      {
        right: 'k', name: 'CREATE a sub-folder', command: 'CREATE "Shared Folders/Matrix/Child"',
        cleanup: async () => h.mail.mailboxes.delete(SYSTEM, (await h.mail.mailboxes.find(SYSTEM, `domain:${domainId}`, 'Matrix/Child'))!.mailbox.id),
      },
      { right: 'a', name: 'GETACL', command: `GETACL ${BOX}` },
      { right: 'a', name: 'SETACL', command: `SETACL ${BOX} dave@example.test lr` },
      { right: 'r', name: 'FETCH a body', select: true, command: 'FETCH 1 (BODY.PEEK[TEXT])', revokedOnly: true },
    ];

    rightsMatrix({
      box: BOX, all: ALL, message, guestWith, probes: PROBES,
      setRights: async (rights) => { await folders.grant(systemActor(), 'example.test', folderId, 'guest@example.test', rights); },
    });

    it('shows the ACL without an owner entry, MYRIGHTS, and no quota root', async () => {
      const guest = await guestWith('lra');
      assert.match(await guest.command(`MYRIGHTS ${BOX}`), /\* MYRIGHTS "Shared Folders\/Matrix" lra/);
      const acl = await guest.command(`GETACL ${BOX}`);
      assert.match(acl, /\* ACL "Shared Folders\/Matrix" /);
      assert.match(acl, /guest@example.test lra/);
      assert.doesNotMatch(acl, /domain:/);
      assert.match(await guest.command(`GETQUOTAROOT ${BOX}`), /\* QUOTAROOT "Shared Folders\/Matrix"\r\n/);
      guest.close();
    });

    it('creates a sub-folder that inherits the ACL, deletes it with "x", and refuses top-level CREATE to users', async () => {
      const guest = await guestWith('lrkx');
      assert.match(await guest.command('CREATE "Shared Folders/Matrix/Temp"'), /OK/);
      assert.match(await guest.command('LIST "" "Shared Folders/*"'), /"Shared Folders\/Matrix\/Temp"/);
      assert.match(await guest.command('MYRIGHTS "Shared Folders/Matrix/Temp"'), /lrkx\r\n/);
      assert.match(await guest.command('DELETE "Shared Folders/Matrix/Temp"'), /OK/);
      assert.match(await guest.command('CREATE "Shared Folders/TopLevel"'), /NO \[NOPERM\]/);
      assert.match(await guest.command('CREATE "Shared Folders"'), /NO/);
      guest.close();
    });
  });

  describe('group identifiers', () => {
    it('grants rights to a nested group with "$address", exactly, until the member leaves', async () => {
      const core = await h.directory.groups.create(systemActor(), { address: 'core@example.test', members: [{ kind: 'account', id: (await h.directory.accounts.get(systemActor(), 'carol@example.test')).id }] });
      await h.directory.groups.create(systemActor(), { address: 'team@example.test', members: [{ kind: 'group', id: core.id }] });
      const alice = await login('alice@example.test');
      await alice.command('CREATE Projects');
      assert.match(await alice.command(`APPEND Projects {${message.length}+}\r\n${message}`), /OK/);
      assert.match(await alice.command('SETACL Projects $team@example.test lrs'), /OK/);
      assert.match(await alice.command('GETACL Projects'), /\* ACL Projects alice@example.test lrswipkxtea \$team@example.test lrs/);
      assert.match(await alice.command('SETACL Projects $nobody@example.test lr'), /NO \[NONEXISTENT\]/);

      const carol = await login('carol@example.test');
      const shared = '"Other Users/alice@example.test/Projects"';
      assert.match(await carol.command('LIST "" "Other Users/*"'), /"Other Users\/alice@example.test\/Projects"/);
      assert.match(await carol.command(`MYRIGHTS ${shared}`), /\* MYRIGHTS "Other Users\/alice@example.test\/Projects" lrs/);
      assert.match(await carol.command(`SELECT ${shared}`), /\* 1 EXISTS/);
      assert.match(await carol.command('STORE 1 +FLAGS (\\Seen)'), /OK/);
      assert.match(await carol.command('STORE 1 +FLAGS (\\Flagged)'), /NO/);
      assert.match(await carol.command(`APPEND ${shared} {${message.length}+}\r\n${message}`), /NO/);
      assert.match(await carol.command('UNSELECT'), /OK/);

      // Dave is in no group: nothing.
      const dave = await login('dave@example.test');
      assert.match(await dave.command(`SELECT ${shared}`), /NO \[NONEXISTENT\]/);

      await h.directory.groups.update(systemActor(), 'core@example.test', { members: [] });
      assert.match(await carol.command(`SELECT ${shared}`), /NO \[NONEXISTENT\]/);
      assert.doesNotMatch(await carol.command('LIST "" "*"'), /Projects/);
      assert.match(await alice.command('DELETEACL Projects $team@example.test'), /OK/);
      assert.match(await alice.command('GETACL Projects'), /\* ACL Projects alice@example.test lrswipkxtea\r\n/);
    });

    it('grants a public folder to a group of the domain', async () => {
      const folder = await folders.create(systemActor(), 'example.test', 'Team Room');
      await folders.grant(systemActor(), 'example.test', folder.id, 'team@example.test', 'lrw');
      await h.directory.groups.update(systemActor(), 'core@example.test', { members: [{ kind: 'account', id: (await h.directory.accounts.get(systemActor(), 'dave@example.test')).id }] });
      const dave = await login('dave@example.test');
      assert.match(await dave.command('LIST "" "Shared Folders/*"'), /"Shared Folders\/Team Room"/);
      assert.match(await dave.command('MYRIGHTS "Shared Folders/Team Room"'), /lrw\r\n/);
      assert.match(await dave.command('GETACL "Shared Folders/Team Room"'), /NO \[NOPERM\]/);
      const acl = await folders.acl(systemActor(), 'example.test', folder.id);
      assert.deepEqual(acl.map((g) => [g.grantee.kind, g.grantee.address, g.rights]), [['group', 'team@example.test', 'lrw']]);
    });
  });
});
