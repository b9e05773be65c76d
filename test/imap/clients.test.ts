// Independent IMAP clients against the server: Python imaplib, curl imap://,
// mbsync (isync) two-way sync of a mailbox with thousands of messages, and
// the whole mail corpus appended and fetched back byte-exact with a
// BODYSTRUCTURE whose part sizes match the parts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, openImapHarness, type ImapHarness } from './harness.ts';

const run = promisify(execFile);
// curl and mbsync come from Debian packages that scripts/ensure-test-tools.sh installs before the tests.
import { CORPUS } from '../support/corpus.ts';
import { haveCommand, requireTool } from '../support/test-tools.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';

const SYSTEM = makeSystemActor();

const have = haveCommand;

describe('IMAP with independent clients', () => {
  let h: ImapHarness;
  let accountId = '';
  before(async () => {
    h = await openImapHarness();
    accountId = (await h.user('carol')).id;
    await h.mail.mailboxes.ensureDefaultMailboxes(SYSTEM, accountId);
    const inbox = (await h.mail.mailboxes.find(SYSTEM, accountId, 'INBOX'))!.mailbox;
    for (let i = 0; i < 3; i++) await h.mail.messages.append(SYSTEM, inbox.id, { source: Buffer.from(`Subject: hello ${i}\r\nFrom: x@example.test\r\n\r\nline ${i}\r\n`) });
  });
  after(async () => h.close());

  it('works with Python imaplib: login, list, select, search, fetch, store, logout', async () => {
    const script = `
import imaplib, sys
m = imaplib.IMAP4('127.0.0.1', ${h.port})
m.login('carol@example.test', '${PASSWORD}')
typ, boxes = m.list()
assert typ == 'OK' and any(b'INBOX' in b for b in boxes), boxes
typ, data = m.select('INBOX')
assert data[0] == b'3', data
typ, data = m.search(None, 'SUBJECT', '"hello 1"')
assert data[0] == b'2', data
typ, data = m.fetch('2', '(BODY.PEEK[TEXT] FLAGS)')
assert data[0][1] == b'line 1\\r\\n', data
typ, data = m.store('2', '+FLAGS', '\\\\Flagged')
assert typ == 'OK' and b'\\\\Flagged' in data[0], data
typ, data = m.uid('SEARCH', 'FLAGGED')
assert data[0] == b'2', data
m.create('Py/Sub')
typ, data = m.list('Py')
assert b'HasChildren' in data[0], data
m.logout()
print('ok')
`;
    const { stdout } = await run('python3', ['-c', script], { timeout: 20000 });
    assert.equal(stdout.trim(), 'ok');
  });

  it('works with curl imap://: list and fetch', async () => {
    assert.ok(have('curl'), 'curl is missing (scripts/ensure-test-tools.sh installs it)');
    const base = `imap://127.0.0.1:${h.port}`;
    const auth = ['--user', `carol@example.test:${PASSWORD}`];
    const list = await run('curl', ['-s', ...auth, `${base}/`], { timeout: 10000 });
    assert.match(list.stdout, /INBOX/);
    const fetched = await run('curl', ['-s', ...auth, `${base}/INBOX;UID=1`], { timeout: 10000 });
    assert.equal(fetched.stdout, 'Subject: hello 0\r\nFrom: x@example.test\r\n\r\nline 0\r\n');
  });

  it('appends the whole corpus and fetches every message byte-exact with a matching BODYSTRUCTURE', async () => {
    const client = await h.client('carol@example.test');
    await client.mailboxCreate('Corpus');
    const files: string[] = [];
    for (const dir of await readdir(CORPUS, { withFileTypes: true })) {
      if (!dir.isDirectory()) continue;
      for (const f of await readdir(join(CORPUS, dir.name))) if (f.endsWith('.eml')) files.push(join(CORPUS, dir.name, f));
    }
    assert.ok(files.length > 100);
    const uids = new Map<number, Buffer>();
    for (const file of files) {
      const raw = await readFile(file);
      if (raw.length === 0) continue;
      const res = await client.append('Corpus', raw);
      assert.ok(res && res.uid, file);
      uids.set(res.uid, raw);
    }
    const lock = await client.getMailboxLock('Corpus');
    try {
      let checked = 0;
      for await (const msg of client.fetch('1:*', { uid: true, source: true, bodyStructure: true }, { uid: false })) {
        const raw = uids.get(msg.uid)!;
        assert.ok(msg.source?.equals(raw), `message ${msg.uid} differs`);
        assert.ok(msg.bodyStructure, `no BODYSTRUCTURE for ${msg.uid}`);
        checked++;
      }
      assert.equal(checked, uids.size);
    } finally {
      lock.release();
    }
    await client.logout();
  });

  it('syncs thousands of messages both ways with mbsync', { timeout: 300_000 }, async () => {
    requireTool('mbsync (Debian isync)', have('mbsync'));
    const box = await h.mail.mailboxes.create(SYSTEM, accountId, 'Bulk');
    const N = 2000;
    for (let i = 0; i < N; i += 100) {
      await h.mail.messages.appendMany(SYSTEM, box.id, Array.from({ length: 100 }, (_, k) => ({
        source: Buffer.from(`Subject: bulk ${i + k}\r\nMessage-ID: <bulk${i + k}@example.test>\r\n\r\nbody ${i + k}\r\n`),
        flags: (i + k) % 5 === 0 ? ['\\Seen'] : [],
      })));
    }
    const dir = await mkdtemp(join(tmpdir(), 'stoa-mbsync-'));
    try {
      const maildir = join(dir, 'mail');
      await mkdir(maildir);
      const rc = join(dir, 'mbsyncrc');
      await writeFile(rc, [
        'IMAPAccount stoa', 'Host 127.0.0.1', `Port ${h.port}`, 'User carol@example.test', `Pass "${PASSWORD}"`, 'SSLType None', 'AuthMechs LOGIN', '',
        'IMAPStore remote', 'Account stoa', '', 'MaildirStore local', `Path ${maildir}/`, `Inbox ${maildir}/INBOX`, 'SubFolders Verbatim', '',
        'Channel bulk', 'Far :remote:Bulk', 'Near :local:Bulk', 'Create Both', 'Expunge Both', 'Sync All', `SyncState ${dir}/state/`, '',
      ].join('\n'));
      await mkdir(join(dir, 'state'));
      await run('mbsync', ['-c', rc, 'bulk'], { timeout: 240_000 });
      const cur = await readdir(join(maildir, 'Bulk', 'cur'));
      const fresh = await readdir(join(maildir, 'Bulk', 'new'));
      assert.equal(cur.length + fresh.length, N);
      // Local changes go back: a new message and a deletion.
      await writeFile(join(maildir, 'Bulk', 'new', `local.${Date.now()}.test`), 'Subject: from mbsync\r\n\r\nlocal\r\n');
      const victim = [...cur, ...fresh].sort()[0];
      const folder = cur.includes(victim) ? 'cur' : 'new';
      await rm(join(maildir, 'Bulk', folder, victim));
      await run('mbsync', ['-c', rc, 'bulk'], { timeout: 240_000 });
      const status = await h.mail.mailboxes.status(SYSTEM, box.id);
      assert.equal(status.messages, N);
      const found = await h.mail.messages.searchText(SYSTEM, box.id, 'local');
      assert.equal(found.length, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
