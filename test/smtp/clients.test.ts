// Independent clients against the real listeners: Python's smtplib (MX, and
// STARTTLS submission with DSN parameters) and swaks (implicit TLS, AUTH LOGIN).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { PASSWORD, openSmtpHarness, type SmtpHarness } from './harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
import { haveCommand, requireTool } from '../support/test-tools.ts';

const SYSTEM = makeSystemActor();

const run = promisify(execFile);

const PY = `
import smtplib, ssl, sys
port, sub = int(sys.argv[1]), int(sys.argv[2])
with smtplib.SMTP('127.0.0.1', port) as s:
    s.ehlo('py.example.org')
    assert s.has_extn('pipelining') and s.has_extn('8bitmime') and s.has_extn('smtputf8') and s.has_extn('enhancedstatuscodes') and s.has_extn('dsn'), s.esmtp_features
    s.sendmail('py@remote.example', ['alice@example.test'], 'Subject: from python\\r\\nFrom: py@remote.example\\r\\n\\r\\nhello\\r\\n')
    try:
        s.sendmail('py@remote.example', ['nobody@example.test'], 'Subject: x\\r\\n\\r\\nx\\r\\n')
        print('no refusal'); sys.exit(1)
    except smtplib.SMTPRecipientsRefused as e:
        code, text = e.recipients['nobody@example.test']
        print(code, text.decode())
with smtplib.SMTP('127.0.0.1', sub) as s:
    s.ehlo('py.example.org')
    s.starttls(context=ssl._create_unverified_context())
    s.ehlo('py.example.org')
    s.login('alice@example.test', sys.argv[3])
    s.sendmail('alice@example.test', ['bob@example.test'], 'Subject: python submission\\r\\nFrom: alice@example.test\\r\\n\\r\\nhi\\r\\n')
    s.sendmail('alice@example.test', ['partner@remote.example'], 'Subject: python dsn\\r\\nFrom: alice@example.test\\r\\n\\r\\nhi\\r\\n',
               mail_options=['RET=HDRS', 'ENVID=env-42'], rcpt_options=['NOTIFY=FAILURE,DELAY', 'ORCPT=rfc822;partner+2B@remote.example'])
print('ok')
`;

// A missing client is a failure, not a skip: the suite must not pass without its real peers.
describe('SMTP with independent clients', () => {
  let h: SmtpHarness;
  before(async () => {
    requireTool('swaks (Debian swaks, with libnet-ssleay-perl and libio-socket-ssl-perl)', haveCommand('swaks'));
    h = await openSmtpHarness();
  });
  after(() => h.close());

  test('Python smtplib delivers over MX and submits over STARTTLS with AUTH', async () => {
    const { stdout } = await run('python3', ['-c', PY, String(h.ports.smtp), String(h.ports.submission), PASSWORD]);
    assert.match(stdout, /^550 5\.1\.1 /m);
    assert.match(stdout, /^ok$/m);
    assert.equal((await h.messages('alice@example.test')).filter((m) => m.includes('Subject: from python')).length, 1);
    const [bob] = (await h.messages('bob@example.test')).filter((m) => m.includes('Subject: python submission'));
    assert.match(bob, /with ESMTPSA id .*\r\n\t\(using TLSv1\.[23] with cipher /);
    // RFC 3461: RET, ENVID, NOTIFY and ORCPT (xtext-decoded) reach the queue.
    const page = await h.queue.list(SYSTEM, { includeCompleted: true }, 0, 100);
    const item = page.items.find((i) => i.envId === 'env-42');
    assert.ok(item, 'ENVID recorded');
    assert.equal(item.ret, 'HDRS');
    const detail = await h.queue.inspect(SYSTEM, item.id);
    assert.deepEqual(detail.recipients[0].notify, ['FAILURE', 'DELAY']);
    assert.equal(detail.recipients[0].orcpt, 'rfc822;partner+@remote.example');
  });

  test('swaks submits over implicit TLS with AUTH LOGIN', async () => {
    const { stdout } = await run('swaks', [
      '--server', `127.0.0.1:${h.ports.smtps}`, '--tlsc', '--auth', 'LOGIN', '--auth-user', 'alice@example.test', '--auth-password', PASSWORD,
      '--from', 'alice@example.test', '--to', 'partner@remote.example', '--header', 'Subject: swaks tls', '--header', 'From: alice@example.test',
    ]);
    assert.match(stdout, /250 2\.6\.0 Message accepted/);
    const q = (await h.queued()).filter((m) => m.raw.includes('Subject: swaks tls'));
    assert.deepEqual(q.map((m) => m.recipients), [['partner@remote.example']]);
  });
});
