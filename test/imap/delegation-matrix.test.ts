// The delegation rights matrix: for every principal and every mailbox owner
// (shared mailboxes and a delegating user, in two domains), what each grant
// gives and, above all, that nothing leaks — not to another mailbox of the
// same domain, not across domains, not through administrator roles, not
// through a group one is not in. Checked four ways for every cell: the mail
// service's RFC 4314 rights on the owner's INBOX, the delegated trees it
// lists, the directory's send-as / send-on-behalf answers, the intake's
// MAIL FROM check; and over a real IMAP socket, the trees LIST shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { actorFor, systemActor } from '../../server/src/directory/access.ts';
import type { Actor, Protocol } from '../../server/src/directory/api.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import type { Account } from '../../shared/src/schemas/directory.ts';
import { PASSWORD, openImapHarness, type ImapHarness } from './harness.ts';

const SYSTEM = systemActor();
const ALL = 'lrswipkxtea';
/** Full access: every right but "a" (mail/mail-access.ts FULL_ACCESS_RIGHTS). */
const FULL = 'lrswipkxte';

type Right = 'full-access' | 'send-as' | 'send-on-behalf';
const OWNERS = ['sales@a.test', 'support@a.test', 'boss@a.test', 'sales@b.test'] as const;
type Owner = typeof OWNERS[number];

/** Principal → owner → the rights it must hold there; every other cell must be empty. */
const EXPECTED: Record<string, Partial<Record<Owner, Right[]>>> = {
  'full@a.test': { 'sales@a.test': ['full-access'] },
  'member@a.test': { 'support@a.test': ['full-access'] },
  'sender@a.test': { 'sales@a.test': ['send-as'] },
  'behalf@a.test': { 'boss@a.test': ['send-on-behalf'] },
  'assistant@a.test': { 'boss@a.test': ['full-access', 'send-as'] },
  'plain@a.test': {},
  'boss@a.test': {},
  'user@b.test': { 'sales@b.test': ['full-access', 'send-as', 'send-on-behalf'] },
  'admin@b.test': {},
  'admin@a.test': {},
};

describe('delegation rights matrix: no grant leaks across mailboxes or domains', () => {
  let h: ImapHarness;
  const actors = new Map<string, Actor>();
  const ownerIds = new Map<Owner, string>();

  before(async () => {
    // Many refused logins on purpose (the last test): no throttling in the way.
    h = await openImapHarness((c) => { c.auth.throttle.ipFreeFailures = 1000; c.auth.throttle.accountFreeFailures = 1000; });
    const d = h.directory;
    await d.domains.create(SYSTEM, { name: 'a.test' });
    await d.domains.create(SYSTEM, { name: 'b.test' });
    const accounts = new Map<string, Account>();
    for (const address of Object.keys(EXPECTED)) accounts.set(address, await d.accounts.create(SYSTEM, { address, password: PASSWORD }));
    accounts.set('admin@a.test', await d.accounts.grantRole(SYSTEM, accounts.get('admin@a.test')!.id, { role: 'domain-admin', domains: ['a.test'] }));
    accounts.set('admin@b.test', await d.accounts.grantRole(SYSTEM, accounts.get('admin@b.test')!.id, { role: 'domain-admin', domains: ['b.test'] }));
    for (const [address, account] of accounts) actors.set(address, actorFor(account, '127.0.0.1'));
    for (const address of ['sales@a.test', 'support@a.test', 'sales@b.test'] as const) ownerIds.set(address, (await d.sharedMailboxes.create(SYSTEM, { address })).id);
    ownerIds.set('boss@a.test', accounts.get('boss@a.test')!.id);
    // member@ reaches support@ only through a group nested in the granted one.
    const inner = await d.groups.create(SYSTEM, { address: 'inner@a.test', members: [{ kind: 'account', id: accounts.get('member@a.test')!.id }] });
    const team = await d.groups.create(SYSTEM, { address: 'support-team@a.test', members: [{ kind: 'group', id: inner.id }] });
    // A group in b.test holding full access on sales@b.test, with a.test's plain@ nowhere in it.
    const teamB = await d.groups.create(SYSTEM, { address: 'team@b.test', members: [{ kind: 'account', id: accounts.get('user@b.test')!.id }] });
    const grant = (owner: Owner, grantee: string, right: Right, by: Actor = SYSTEM) =>
      d.grants.grant(by, { kind: owner === 'boss@a.test' ? 'account' : 'shared-mailbox', ref: owner }, { grantee, right });
    await grant('sales@a.test', 'full@a.test', 'full-access', actors.get('admin@a.test'));
    await grant('support@a.test', team.address, 'full-access', actors.get('admin@a.test'));
    await grant('sales@a.test', 'sender@a.test', 'send-as');
    // The boss delegates their own mailbox.
    await grant('boss@a.test', 'behalf@a.test', 'send-on-behalf', actors.get('boss@a.test'));
    await grant('boss@a.test', 'assistant@a.test', 'full-access', actors.get('boss@a.test'));
    await grant('boss@a.test', 'assistant@a.test', 'send-as', actors.get('boss@a.test'));
    await grant('sales@b.test', teamB.address, 'full-access', actors.get('admin@b.test'));
    await grant('sales@b.test', 'user@b.test', 'send-as', actors.get('admin@b.test'));
    await grant('sales@b.test', 'user@b.test', 'send-on-behalf');
    // Every owner has its mailboxes, with mail in its INBOX.
    for (const owner of OWNERS) {
      const id = ownerIds.get(owner)!;
      await h.mail.mailboxes.ensureDefaultMailboxes(SYSTEM, id);
      const inbox = (await h.mail.mailboxes.find(SYSTEM, id, 'INBOX'))!.mailbox;
      await h.mail.messages.append(SYSTEM, inbox.id, { source: Buffer.from(`From: x@outside.test\r\nSubject: for ${owner}\r\n\r\nsecret of ${owner}\r\n`) });
    }
  });
  after(async () => h.close());

  test('grants that would cross domains are refused when they are made', async () => {
    const d = h.directory;
    const refusals: Array<[string, Promise<unknown>, string]> = [
      ['a domain admin granting on a mailbox of another domain', d.grants.grant(actors.get('admin@b.test')!, { kind: 'shared-mailbox', ref: 'sales@a.test' }, { grantee: 'user@b.test', right: 'full-access' }), 'STOA_NOT_FOUND'],
      ['a domain admin granting to someone of another domain', d.grants.grant(actors.get('admin@a.test')!, { kind: 'shared-mailbox', ref: 'sales@a.test' }, { grantee: 'user@b.test', right: 'full-access' }), 'STOA_INVALID_REFERENCE'],
      ['a user delegating to someone of another domain', d.grants.grant(actors.get('boss@a.test')!, { kind: 'account', ref: 'boss@a.test' }, { grantee: 'user@b.test', right: 'full-access' }), 'STOA_INVALID_REFERENCE'],
      ['a user delegating to a group of another domain', d.grants.grant(actors.get('boss@a.test')!, { kind: 'account', ref: 'boss@a.test' }, { grantee: 'team@b.test', right: 'full-access' }), 'STOA_INVALID_REFERENCE'],
      ['a user delegating someone else\'s mailbox', d.grants.grant(actors.get('plain@a.test')!, { kind: 'account', ref: 'boss@a.test' }, { grantee: 'plain@a.test', right: 'full-access' }), 'STOA_FORBIDDEN'],
    ];
    for (const [label, call, code] of refusals) await assert.rejects(call, (err) => isStoaError(err, code as 'STOA_FORBIDDEN'), label);
  });

  test('every principal holds exactly the expected rights on every owner, by every check', async () => {
    const mismatches: string[] = [];
    for (const [principal, cells] of Object.entries(EXPECTED)) {
      const actor = actors.get(principal)!;
      const delegated = new Set((await h.mail.mailboxes.delegated(actor)).map((t) => t.address));
      for (const owner of OWNERS) {
        const want = new Set(cells[owner] ?? []);
        const ownerId = ownerIds.get(owner)!;
        const self = owner === principal;
        const inbox = (await h.mail.mailboxes.find(SYSTEM, ownerId, 'INBOX'))!.mailbox;
        const rights = await h.mail.mailboxes.myRights(actor, inbox.id);
        const expectRights = self ? ALL : want.has('full-access') ? FULL : '';
        if (rights !== expectRights) mismatches.push(`${principal} on ${owner}: rights "${rights}", expected "${expectRights}"`);
        // Reading needs the rights: the message is there for the holder only.
        const read = await h.mail.messages.fetch(actor, inbox.id, [[1, 1]]).then(() => true, () => false);
        if (read !== (expectRights !== '')) mismatches.push(`${principal} on ${owner}: fetch ${read ? 'allowed' : 'refused'}`);
        if (!self && delegated.has(owner) !== want.has('full-access')) mismatches.push(`${principal} on ${owner}: delegated() ${delegated.has(owner)}`);
        for (const right of ['send-as', 'send-on-behalf'] as const) {
          const holds = await h.directory.grants.holds(actor, ownerId, right);
          if (holds !== (want.has(right) || self)) mismatches.push(`${principal} on ${owner}: holds ${right} = ${holds}`);
        }
        const mayMailFrom = await h.services.intake.checkSender({ principal: actor, origin: { kind: 'submission', log: h.services.logger }, sender: owner })
          .then(() => true, (err) => { if (isStoaError(err, 'STOA_SENDER_NOT_OWNED')) return false; throw err; });
        const expectMailFrom = self || want.has('send-as') || want.has('send-on-behalf');
        if (mayMailFrom !== expectMailFrom) mismatches.push(`${principal} MAIL FROM <${owner}>: ${mayMailFrom}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('over IMAP, LIST shows each principal exactly the trees it holds full access on', async () => {
    for (const [principal, cells] of Object.entries(EXPECTED)) {
      const client = await h.client(principal);
      const trees = new Set((await client.list()).map((m) => /^Other Users\/([^/]+)\//.exec(m.path)?.[1]).filter((x): x is string => x !== undefined));
      const want = new Set(Object.entries(cells).filter(([, r]) => r!.includes('full-access')).map(([o]) => o));
      assert.deepEqual([...trees].sort(), [...want].sort(), principal);
      // A name one has no grant for reads as nonexistent (RFC 4314 §4), whoever else's it is.
      for (const owner of OWNERS) {
        if (want.has(owner) || owner === principal) continue;
        await assert.rejects(client.mailboxOpen(`Other Users/${owner}/INBOX`), Error, `${principal} opened ${owner}`);
      }
      await client.logout();
    }
  });

  test('nobody logs in as a shared mailbox, on any protocol, whatever the password', async () => {
    const protocols: Protocol[] = ['api', 'imap', 'pop3', 'smtp', 'dav', 'managesieve', 'cli', 'autodiscover'];
    // One that was an account with a password is refused with that password too.
    const leaver = await h.directory.accounts.create(SYSTEM, { address: 'leaver@a.test', password: PASSWORD });
    await h.directory.sharedMailboxes.fromAccount(SYSTEM, leaver.id);
    for (const username of ['sales@a.test', 'leaver@a.test']) {
      for (const protocol of protocols) {
        const result = await h.directory.auth.authenticate({ username, password: PASSWORD, protocol, ip: '127.0.0.1' });
        assert.deepEqual(result, { ok: false, code: 'STOA_AUTH_FAILED' }, `${username} over ${protocol}`);
      }
    }
  });
});
