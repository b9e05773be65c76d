// Antivirus end to end: a real clamd (Debian clamav-daemon) on a free port
// with a signature database this test makes, Stoa's MX and submission
// listeners, and nodemailer as the client. EICAR is caught as a plain
// attachment and inside a ZIP; the domain policy can quarantine instead of
// refusing; clamd being down or hung follows the fail-open/fail-closed policy.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { freePort } from '../cli/run-stoa.ts';
import { openSmtpHarness, replyOf, transport, type SmtpHarness } from '../smtp/harness.ts';
import { EICAR, EICAR_SIGNATURE, startClamd, type Clamd } from '../support/clamd.ts';
import { makeZip } from '../support/zip-writer.ts';

const admin = systemActor();

function withEicar(kind: 'plain' | 'zip') {
  const attachment = kind === 'plain'
    ? { filename: 'eicar.txt', content: EICAR }
    : { filename: 'reports.zip', content: makeZip([{ name: 'q3/readme.txt', data: Buffer.from('see attached') }, { name: 'q3/test.txt', data: Buffer.from(EICAR) }]) };
  return { from: 'partner@remote.example', to: 'alice@example.test', subject: `Quarterly report (${kind})`, text: 'Please find the report attached.', attachments: [attachment] };
}

describe('antivirus through a real clamd', () => {
  let clamd: Clamd;
  before(async () => { clamd = await startClamd(); });
  after(() => clamd.stop());

  describe('MX with antivirus on (TCP)', () => {
    let h: SmtpHarness;
    before(async () => {
      h = await openSmtpHarness((c) => Object.assign(c.filter.antivirus, { enabled: true, host: '127.0.0.1', port: clamd.port, timeoutMs: 10_000 }));
    });
    after(() => h.close());

    test('EICAR in a plain attachment is refused with 554 5.7.1 naming the signature, and nothing is delivered', async () => {
      const err = await transport(h, 'smtp').sendMail(withEicar('plain')).catch((e) => e);
      assert.match(replyOf(err), new RegExp(`554 5\\.7\\.1 Virus found: ${EICAR_SIGNATURE.replace(/\./g, '\\.')}`));
      assert.equal((await h.messages('alice@example.test')).length, 0);
    });

    test('EICAR inside a ZIP attachment is refused too', async () => {
      const err = await transport(h, 'smtp').sendMail(withEicar('zip')).catch((e) => e);
      assert.match(replyOf(err), /554 5\.7\.1 Virus found/);
    });

    test('a clean message with an attachment is delivered and says it was scanned clean', async () => {
      await transport(h, 'smtp').sendMail({ ...withEicar('plain'), subject: 'clean', attachments: [{ filename: 'notes.txt', content: 'nothing to see' }] });
      const [stored] = await h.messages('alice@example.test');
      assert.match(stored, /^X-Stoa-Spam: no; /m);
      await h.filter.verdicts.flush();
      const { items } = await h.filter.verdicts.list(admin, { offset: 0, limit: 5 });
      assert.equal(items[0].checks.find((c) => c.check === 'antivirus')?.outcome, 'ok');
    });

    test('a submitted message with a virus is refused (an infected client is stopped)', async () => {
      const err = await transport(h, 'submission', 'bob@example.test').sendMail({ ...withEicar('plain'), from: 'bob@example.test', to: 'someone@remote.example' }).catch((e) => e);
      assert.match(replyOf(err), /554 5\.7\.1 Virus found/);
      assert.equal((await h.queued()).length, 0);
    });
  });

  describe('domain policy: quarantine instead of refusing (Unix socket)', () => {
    let h: SmtpHarness;
    before(async () => {
      h = await openSmtpHarness((c) => {
        Object.assign(c.filter.antivirus, { enabled: true, socket: clamd.socket, timeoutMs: 10_000 });
        c.filter.domains = { 'example.test': { antivirus: { action: 'quarantine' } } };
      });
    });
    after(() => h.close());

    test('the infected message is accepted, held for the admin, and an admin release delivers it', async () => {
      const info = await transport(h, 'smtp').sendMail(withEicar('zip'));
      assert.match(info.response, /^250 /);
      assert.equal((await h.messages('alice@example.test')).length, 0);
      const { items } = await h.filter.quarantine.list(admin, { status: 'held', offset: 0, limit: 10 });
      assert.equal(items.length, 1);
      assert.match(items[0].reason, new RegExp(EICAR_SIGNATURE.replace(/\./g, '\\.')));
      assert.deepEqual(items[0].recipients.map((r) => r.address), ['alice@example.test']);
      await h.filter.quarantine.release(admin, items[0].id);
      const [delivered] = await h.messages('alice@example.test');
      assert.match(delivered, /Subject: Quarterly report \(zip\)/);
      assert.match(delivered, /action=quarantine/);
      assert.equal((await h.filter.quarantine.get(admin, items[0].id)).status, 'released');
    });
  });

  describe('when clamd fails', () => {
    let silent: Server;
    let hungPort: number;
    const held = new Set<import('node:net').Socket>();
    before(async () => {
      // Not a mock of our code: a TCP listener that accepts and never answers stands in for a hung clamd.
      silent = createServer((socket) => { held.add(socket); socket.on('error', () => undefined); });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
      hungPort = (silent.address() as { port: number }).port;
    });
    after(() => new Promise<void>((r) => {
      for (const socket of held) socket.destroy();
      silent.close(() => r());
    }));

    test('fail-closed: clamd down means 451 4.7.1 and the sender retries', async () => {
      const deadPort = await freePort();
      const h = await openSmtpHarness((c) => Object.assign(c.filter.antivirus, { enabled: true, port: deadPort, failure: 'closed' }));
      try {
        const err = await transport(h, 'smtp').sendMail({ ...withEicar('plain'), attachments: [] }).catch((e) => e);
        assert.match(replyOf(err), /451 4\.7\.1 Temporary filter failure \(antivirus\)/);
        assert.equal((await h.messages('alice@example.test')).length, 0);
      } finally {
        await h.close();
      }
    });

    test('fail-closed: a hung clamd times out into 451 too, within its timeout', async () => {
      const h = await openSmtpHarness((c) => Object.assign(c.filter.antivirus, { enabled: true, port: hungPort, timeoutMs: 300, failure: 'closed' }));
      try {
        const err = await transport(h, 'smtp').sendMail({ ...withEicar('plain'), attachments: [] }).catch((e) => e);
        assert.match(replyOf(err), /451 4\.7\.1/);
      } finally {
        await h.close();
      }
    });

    test('fail-open: the message is delivered unscanned and the verdict records the failure', async () => {
      const h = await openSmtpHarness((c) => Object.assign(c.filter.antivirus, { enabled: true, port: hungPort, timeoutMs: 300, failure: 'open' }));
      try {
        await transport(h, 'smtp').sendMail({ ...withEicar('plain'), attachments: [] });
        assert.equal((await h.messages('alice@example.test')).length, 1);
        await h.filter.verdicts.flush();
        const [v] = (await h.filter.verdicts.list(admin, { offset: 0, limit: 1 })).items;
        assert.equal(v.checks.find((c) => c.check === 'antivirus')?.outcome, 'timeout');
      } finally {
        await h.close();
      }
    });
  });
});

