// Imports from a real Dovecot (Debian dovecot-imapd), started on a free
// port with its own configuration and filled with the shared corpus, over
// IMAP through imapflow: folders, SPECIAL-USE, localized names, flags,
// keywords, INTERNALDATE, admin impersonation, wrong credentials, a dropped
// connection, re-runs and the final delta.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { imapSource } from '../../migration/src/sources/imap/imap-source.ts';
import { createDovecot, ensureDovecot, type Dovecot } from '../support/dovecot.ts';
import { startFlakyProxy } from '../support/flaky-proxy.ts';
import { openTarget, user, type Target } from './harness.ts';
import { corpusFiles, corpusMessage, writeMaildir } from './samples.ts';

const missing = ensureDovecot();
const INTERNAL = new Date('2023-03-04T05:06:07Z');

/** What Dovecot serves for a user: folder → sorted "sha256 flags date" lines, read with an independent client. */
async function dovecotSnapshot(d: Dovecot, name: string, password: string): Promise<Record<string, string[]>> {
  const client = new ImapFlow({ host: d.host, port: d.port, secure: false, doSTARTTLS: false, auth: { user: name, pass: password }, logger: false });
  await client.connect();
  const out: Record<string, string[]> = {};
  try {
    for (const box of await client.list()) {
      if (box.flags.has('\\Noselect')) continue;
      const lock = await client.getMailboxLock(box.path);
      try {
        const lines: string[] = [];
        if ((client.mailbox as { exists: number }).exists > 0) {
          for await (const m of client.fetch('1:*', { source: true, flags: true, internalDate: true })) {
            const flags = [...m.flags!].filter((f) => f !== '\\Recent');
            lines.push(`${createHash('sha256').update(m.source!).digest('hex')} ${flags.sort().join(' ')} ${new Date(m.internalDate!).toISOString()}`);
          }
        }
        out[box.path] = lines.sort();
      } finally {
        lock.release();
      }
    }
  } finally {
    await client.logout();
  }
  return out;
}

/** The Stoa snapshot in the same form (flags sorted, dates ISO). */
function normalized(snap: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snap).map(([k, lines]) => [k, lines.map((l) => {
    const parts = l.split(' ');
    return `${parts[0]} ${parts.slice(1, -1).sort().join(' ')} ${new Date(parts[parts.length - 1]).toISOString()}`;
  }).sort()]));
}

describe('IMAP from a real Dovecot', { skip: false }, () => {
  let dovecot: Dovecot;
  let target: Target;
  const source = () => imapSource({ host: dovecot.host, port: dovecot.port, tls: 'none' });

  before(async () => {
    assert.equal(missing, null, missing ?? '');
    dovecot = await createDovecot({
      users: [{ name: 'alice', password: 'alice-pw' }, { name: 'bob', password: 'bob-pw' }, { name: 'carol', password: 'carol-pw' }],
      master: { name: 'admin', password: 'master-pw' },
      namespace: [
        '  mailbox Drafts {\n    special_use = \\Drafts\n  }',
        '  mailbox Papierkorb {\n    special_use = \\Trash\n  }',
        '  mailbox "Sent Messages" {\n    special_use = \\Sent\n  }',
      ].join('\n'),
    });
    const msg = (rel: string, i: number, info: string) => ({ name: `1678000000.M${i}P${rel.length}.stoa:2,${info}`, bytes: corpusMessage(rel), mtime: INTERNAL });
    const infos = ['S', 'RS', 'FSa', '', 'Sb', 'T'];
    const spread = (files: string[]) => files.map((f, i) => msg(f, i, infos[i % infos.length]));
    writeMaildir(dovecot.maildir('alice'), {
      '': spread([...corpusFiles('plain'), ...corpusFiles('encoded'), ...corpusFiles('multipart')]),
      '.Sent Messages': spread(corpusFiles('ham').slice(0, 10)),
      '.Papierkorb': spread(corpusFiles('spam')),
      '.Drafts': spread(corpusFiles('attachments').slice(0, 3)).map((m) => ({ ...m, name: m.name.replace(/:2,.*/, ':2,DS') })),
      '.Projekte': spread(corpusFiles('calendar')),
      '.Projekte.Kunden': spread(corpusFiles('dsn')),
      '.Stern*Ordner': spread(corpusFiles('signed').slice(0, 4)),
    }, ['$Forwarded', 'Projekt']);
    writeMaildir(dovecot.maildir('bob'), {
      '': spread(corpusFiles('attachments')),
      '.Gesendete Elemente': spread(corpusFiles('dkim').slice(0, 5)),
      '.Entw&APw-rfe': spread(corpusFiles('other').slice(0, 2)),
    });
    writeMaildir(dovecot.maildir('carol'), { '': spread(corpusFiles('malformed').slice(0, 5)) });
    await dovecot.start();
    target = await openTarget();
  });
  after(async () => {
    await target?.close();
    await dovecot?.stop();
  });

  test('a Dovecot mailbox arrives whole over IMAP: every folder, flags, keywords and INTERNALDATE; SPECIAL-USE folders fill Stoa\'s own; a name Stoa does not allow is renamed and reported', async () => {
    const report = await target.run(source(), [user('alice', 'alice@example.org', { source: { identity: 'alice', secret: 'alice-pw' } })]);
    const u = report.users[0];
    assert.equal(u.state, 'done', u.error ?? '');
    assert.equal(report.ok, true, JSON.stringify(u.folders.filter((f) => f.failed > 0 || f.state !== 'done')));
    const byTarget = Object.fromEntries(u.folders.map((f) => [f.source, f.target]));
    assert.equal(byTarget['Sent Messages'], 'Sent');
    assert.equal(byTarget.Papierkorb, 'Trash');
    assert.equal(byTarget.Drafts, 'Drafts');
    assert.equal(byTarget['Projekte/Kunden'], 'Projekte/Kunden');
    assert.equal(byTarget['Stern*Ordner'], 'Stern_Ordner');
    assert.match(u.folders.find((f) => f.source === 'Stern*Ordner')!.notes.join(), /reserved for IMAP LIST patterns/);

    const theirs = await dovecotSnapshot(dovecot, 'alice', 'alice-pw');
    const ours = normalized(await target.snapshot('alice@example.org'));
    const rename: Record<string, string> = { 'Sent Messages': 'Sent', Papierkorb: 'Trash', 'Stern*Ordner': 'Stern_Ordner' };
    let duplicates = 0;
    for (const [folder, lines] of Object.entries(theirs)) {
      if (lines.length === 0) continue;
      // The same bytes twice in one folder are one message in Stoa (idempotence on Message-ID + content hash), reported as skipped.
      const count = new Map<string, number>();
      for (const l of lines) count.set(l.split(' ')[0], (count.get(l.split(' ')[0]) ?? 0) + 1);
      duplicates += [...count.values()].reduce((n, c) => n + c - 1, 0);
      const mine = ours[rename[folder] ?? folder];
      assert.deepEqual([...new Set(mine.map((l) => l.split(' ')[0]))].sort(), [...count.keys()].sort(), `folder ${folder}: the same messages`);
      const single = lines.filter((l) => count.get(l.split(' ')[0]) === 1);
      assert.deepEqual(mine.filter((l) => count.get(l.split(' ')[0]) === 1), single, `folder ${folder}: bytes, flags and INTERNALDATE as Dovecot serves them`);
    }
    assert.equal(report.totals.skipped, duplicates);
    assert.ok(ours.INBOX.some((l) => / \$Forwarded /.test(l)) && ours.INBOX.some((l) => / Projekt /.test(l)), 'Dovecot keywords kept');
    for (const f of u.folders) assert.deepEqual(f.sample.mismatched, [], `${f.source}: sample read back unchanged`);
    assert.equal(report.totals.imported + duplicates, Object.values(theirs).reduce((n, l) => n + l.length, 0));
  });

  test('re-running the IMAP import imports nothing and changes nothing', async () => {
    const before = await target.snapshot('alice@example.org');
    const events = target.events.length;
    const report = await target.run(source(), [user('alice', 'alice@example.org', { source: { identity: 'alice', secret: 'alice-pw' } })]);
    assert.equal(report.totals.imported, 0);
    assert.equal(report.totals.skipped + report.totals.failed, report.totals.atSource);
    assert.deepEqual(await target.snapshot('alice@example.org'), before);
    assert.equal(target.events.length, events);
  });

  test('the final delta: a re-run after new mail arrived imports only the new message', async () => {
    const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: 'alice', pass: 'alice-pw' }, logger: false });
    await client.connect();
    await client.append('INBOX', Buffer.from('From: late@example.net\r\nSubject: the last one before the MX switch\r\nMessage-ID: <late-1@example.net>\r\n\r\nhello\r\n'), ['\\Flagged']);
    await client.logout();
    const report = await target.run(source(), [user('alice', 'alice@example.org', { source: { identity: 'alice', secret: 'alice-pw' } })]);
    assert.equal(report.totals.imported, 1);
    assert.equal(report.users[0].folders.find((f) => f.source === 'INBOX')!.imported, 1);
    assert.ok((await target.snapshot('alice@example.org')).INBOX.some((l) => / \\Flagged /.test(l)));
  });

  test('with admin (master user) credentials each user is imported without their password; a localized Sent folder without SPECIAL-USE fills Sent', async () => {
    const src = imapSource({ host: dovecot.host, port: dovecot.port, tls: 'none', admin: { user: 'admin', password: 'master-pw' } });
    const report = await target.run(src, [user('bob', 'bob@example.org')]);
    const u = report.users[0];
    assert.equal(u.state, 'done', u.error ?? '');
    assert.equal(u.folders.find((f) => f.source === 'Gesendete Elemente')!.target, 'Sent');
    assert.equal(u.folders.find((f) => f.source === 'Entwürfe')!.target, 'Drafts');
    assert.equal(report.ok, true);
  });

  test('wrong credentials fail that user alone, with the reason, and the run exits as failed', async () => {
    const report = await target.run(source(), [
      user('carol', 'carol@example.org', { source: { identity: 'carol', secret: 'wrong' } }),
      user('carol', 'carol2@example.org', { source: { identity: 'carol', secret: 'carol-pw' } }),
    ], { concurrency: 2 });
    assert.equal(report.users[0].state, 'failed');
    assert.match(report.users[0].error!, /refused the credentials/);
    assert.equal(report.users[1].state, 'done');
    assert.equal(report.users[1].totals.imported, 5);
    assert.equal(report.ok, false);
  });

  test('a connection dropped in the middle of the import is picked up again and nothing is imported twice', async () => {
    const proxy = await startFlakyProxy(dovecot, { dropAfterBytes: 1_500_000, drops: 2 });
    try {
      const src = imapSource({ host: '127.0.0.1', port: proxy.port, tls: 'none' });
      const report = await target.run(src, [user('bob', 'bob-again@example.org', { source: { identity: 'bob', secret: 'bob-pw' } })], {
        retry: { retries: 5, baseDelayMs: 10, maxDelayMs: 50 }, batchItems: 10,
      });
      assert.equal(proxy.dropped, 2, 'the proxy cut the connection twice');
      assert.equal(report.ok, true, JSON.stringify(report.users[0]));
      const theirs = await dovecotSnapshot(dovecot, 'bob', 'bob-pw');
      const ours = normalized(await target.snapshot('bob-again@example.org'));
      assert.deepEqual(ours.INBOX, theirs.INBOX);
      assert.deepEqual(ours.Sent, theirs['Gesendete Elemente']);
    } finally {
      await proxy.close();
    }
  });
});
