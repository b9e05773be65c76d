// The filter pipeline over real SMTP sessions (nodemailer and swaks as
// clients): GTUBE refused, a spammy message filed in Junk, a learned
// classifier, attachment rules refusing or quarantining, the allow-list
// regression of issue 13 (an allow-listed client still meets DMARC), and a
// compromised account stopped on submission with the admin alerted.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../server/src/directory/api.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import { GTUBE } from '../../server/src/filter/checks/content-checks.ts';
import { PASSWORD, openSmtpHarness, replyOf, transport, type SmtpHarness } from '../smtp/harness.ts';
import { startDnsmasq, type Dnsmasq } from '../support/dnsmasq.ts';
import { makeZip } from '../support/zip-writer.ts';
import { haveCommand, requireTool } from '../support/test-tools.ts';

const admin = systemActor();
const run = promisify(execFile);

function actorOf(account: { id: string; address: string }): Actor {
  return { id: account.id, login: account.address, role: 'user', adminDomainIds: [], ip: null };
}

describe('spam scoring over SMTP', () => {
  let h: SmtpHarness;
  before(async () => {
    requireTool('swaks', haveCommand('swaks'));
    h = await openSmtpHarness((c) => {
      c.filter.bayes.minMessages = 3;
      c.filter.bayes.fullWeightMessages = 4;
      c.filter.domains = { 'example.test': { attachments: { action: 'quarantine' }, quarantine: { userRelease: true } } };
      c.filter.quarantine.digest = { enabled: true, hourUtc: new Date().getUTCHours() };
    });
  });
  after(() => h.close());

  test('GTUBE is refused at DATA with 550 5.7.1 (nodemailer)', async () => {
    const err = await transport(h, 'smtp').sendMail({ from: 'x@remote.example', to: 'alice@example.test', subject: 'test', text: `This is the GTUBE\n${GTUBE}\n` }).catch((e) => e);
    assert.match(replyOf(err), /^550 5\.7\.1 Message looks like spam \(score 10\d\d/);
    assert.equal((await h.messages('alice@example.test')).length, 0);
  });

  test('GTUBE is refused for swaks too, an independent client', async () => {
    const out = await run('swaks', [
      '--server', `127.0.0.1:${h.ports.smtp}`, '--from', 'x@remote.example', '--to', 'bob@example.test', '--header', 'Subject: gtube', '--body', GTUBE,
    ]).catch((e: { stdout: string }) => e);
    assert.match(out.stdout, /<\*\* 550 5\.7\.1 Message looks like spam/);
  });

  test('a message over the Junk threshold is delivered to Junk with its verdict in X-Stoa-Spam, and the admin API can explain it', async () => {
    await transport(h, 'smtp').sendMail({
      from: 'deals@remote.example', to: 'bob@example.test', subject: 'FREE CASH PRIZE WINNER',
      text: 'You have won! Click here to claim your cash prize. Buy viagra without prescription, act now, limited time offer!!! Remove me from this list.',
    });
    assert.equal((await h.messages('bob@example.test')).length, 0);
    const [junk] = await h.messages('bob@example.test', 'Junk');
    const header = /^X-Stoa-Spam: (yes;[^\r]*(?:\r\n\t[^\r]*)*)/m.exec(junk)?.[1] ?? '';
    assert.match(header, /action=junk/);
    for (const rule of ['CONTENT_MONEY', 'CONTENT_PHARMA', 'SUBJECT_MONEY']) assert.match(header, new RegExp(`${rule}=`));
    const id = /id=([0-9a-f-]+)/.exec(header)![1];
    await h.filter.verdicts.flush();
    const verdict = await h.filter.verdicts.get(admin, id);
    assert.equal(verdict.action, 'junk');
    assert.ok(verdict.score >= 6 && verdict.score < 15, String(verdict.score));
    assert.deepEqual(verdict.recipients, ['bob@example.test']);
    // Bob sees his own verdicts; Alice does not see Bob's.
    assert.equal((await h.filter.verdicts.get(actorOf(h.bob), id)).id, id);
    await assert.rejects(h.filter.verdicts.get(actorOf(h.alice), id), /does not exist/);
  });

  test('the classifier learns from a user\'s Junk moves: similar mail then goes to Junk, ordinary mail stays in INBOX', async () => {
    const word = ['alpha', 'bravo', 'charlie', 'delta'];
    const spam = (i: number) => `From: "Crypto Desk" <desk${i}@coins.example>\r\nTo: alice@example.test\r\nSubject: Bitcoin doubler opportunity ${word[i]}\r\nMessage-ID: <c${i}@coins.example>\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\nInvest bitcoin today and our doubler algorithm returns guaranteed profit. Crypto wallet bonus. Deposit now, withdraw tomorrow.\r\n`;
    const ham = (i: number) => `From: Carol <carol@partner.example>\r\nTo: alice@example.test\r\nSubject: Minutes of meeting ${word[i]}\r\nMessage-ID: <m${i}@partner.example>\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\nHi Alice, attached are the minutes of our project meeting. The schedule for the migration review stays as agreed. Regards, Carol\r\n`;
    const alice = actorOf(h.alice);
    for (let i = 0; i < 4; i++) {
      assert.equal((await h.filter.train(alice, Buffer.from(spam(i)), 'spam')).result, 'learned');
      assert.equal((await h.filter.train(alice, Buffer.from(ham(i)), 'ham')).result, 'learned');
    }
    assert.deepEqual(await h.filter.train(alice, Buffer.from(spam(0)), 'spam'), { scope: `user:${h.alice.id}`, result: 'unchanged' });
    await transport(h, 'smtp').sendMail({ from: 'desk9@coins.example', to: 'alice@example.test', subject: 'Bitcoin doubler opportunity 9', text: 'Invest bitcoin today: our doubler algorithm returns guaranteed profit. Crypto wallet bonus, deposit now. Click here.' });
    await transport(h, 'smtp').sendMail({ from: 'carol@partner.example', to: 'alice@example.test', subject: 'Minutes of meeting 9', text: 'Hi Alice, here are the minutes of the project meeting; the migration review schedule stays as agreed. Regards, Carol' });
    const [junk] = await h.messages('alice@example.test', 'Junk');
    assert.match(junk, /Subject: Bitcoin doubler/);
    assert.match(junk, /BAYES_99=5/);
    const inbox = await h.messages('alice@example.test');
    assert.equal(inbox.length, 1);
    assert.match(inbox[0], /Subject: Minutes of meeting 9/);
    assert.match(inbox[0], /BAYES_00=-2/);
    // Bob's mail is not judged by Alice's training.
    const counts = await h.store.bayes.totals([`user:${h.bob.id}`]);
    assert.deepEqual(counts, { spam: 0, ham: 0 });
  });

  test('a script inside a ZIP is held in quarantine (domain policy), and the recipient may release it herself', async () => {
    const info = await transport(h, 'smtp').sendMail({
      from: 'courier@remote.example', to: 'alice@example.test', subject: 'Your parcel', text: 'Tracking details attached.',
      attachments: [{ filename: 'tracking.zip', content: makeZip([{ name: 'tracking/label.js', data: Buffer.from('WScript.Shell') }]) }],
    });
    assert.match(info.response, /^250 2\.6\.0 /);
    const alice = actorOf(h.alice);
    const mine = await h.filter.quarantine.list(alice, { status: 'held', offset: 0, limit: 10 });
    assert.equal(mine.items.length, 1);
    assert.match(mine.items[0].reason, /tracking\.zip\/tracking\/label\.js/);
    assert.equal((await h.filter.quarantine.list(actorOf(h.bob), { offset: 0, limit: 10 })).items.length, 0, 'Bob sees nothing of Alice\'s');
    await assert.rejects(h.filter.quarantine.release(actorOf(h.bob), mine.items[0].id), /does not exist/);
    const before = (await h.messages('alice@example.test')).length;
    await h.filter.quarantine.release(alice, mine.items[0].id);
    assert.equal((await h.messages('alice@example.test')).length, before + 1);
    await assert.rejects(h.filter.quarantine.release(admin, mine.items[0].id), /already released/);
  });

  test('the daily digest lists newly held messages to their recipient once', async () => {
    await transport(h, 'smtp').sendMail({
      from: 'courier@remote.example', to: 'bob@example.test', subject: 'Second parcel', text: 'x',
      attachments: [{ filename: 'label.zip', content: makeZip([{ name: 'label.vbs', data: Buffer.from('x') }]) }],
    });
    const digest = h.filter.housekeepingTasks().find((t) => t.name === 'quarantineDigest')!;
    assert.ok(await digest.run() >= 1);
    const inbox = await h.messages('bob@example.test');
    const notice = inbox.find((m) => m.includes('Subject: Quarantine digest'));
    assert.ok(notice, 'digest delivered');
    assert.match(notice, /subject: Second parcel/);
    assert.match(notice, /label\.zip\/label\.vbs/);
    assert.equal(await digest.run(), 0, 'once a day');
  });
});

describe('attachment rules with the default policy', () => {
  let h: SmtpHarness;
  before(async () => { h = await openSmtpHarness(); });
  after(() => h.close());

  test('an executable attachment is refused with 550 5.7.1 and the file named', async () => {
    const err = await transport(h, 'smtp').sendMail({
      from: 'x@remote.example', to: 'alice@example.test', subject: 'invoice', text: 'see attachment',
      attachments: [{ filename: 'invoice.pdf.exe', content: Buffer.from('MZ fake') }],
    }).catch((e) => e);
    assert.match(replyOf(err), /^550 5\.7\.1 Message refused: blocked attachment: invoice\.pdf\.exe/);
  });

  test('a macro-enabled workbook is refused; an ordinary spreadsheet passes', async () => {
    const err = await transport(h, 'smtp').sendMail({ from: 'x@remote.example', to: 'alice@example.test', subject: 'q', text: 'q', attachments: [{ filename: 'q3.xlsm', content: 'x' }] }).catch((e) => e);
    assert.match(replyOf(err), /^550 5\.7\.1 .*q3\.xlsm/);
    await transport(h, 'smtp').sendMail({ from: 'x@remote.example', to: 'alice@example.test', subject: 'q', text: 'q', attachments: [{ filename: 'q3.xlsx', content: makeZip([{ name: 'xl/workbook.xml', data: Buffer.from('<w/>') }]) }] });
    assert.equal((await h.messages('alice@example.test')).length, 1);
  });
});

describe('issue 13 regression: the IP allow list skips blocklists and greylisting, never SPF/DKIM/DMARC', () => {
  let dns: Dnsmasq;
  const open = (allow: string[]) => openSmtpHarness((c) => {
    c.dns.servers = [dns.server];
    c.dns.timeoutMs = 2000;
    c.filter.ipAllow = allow;
    c.filter.dnsbl.zones = ['bl.test'];
    c.filter.greylist.enabled = true;
  });
  before(async () => {
    dns = await startDnsmasq([
      '--local=/bank.example/', '--local=/bl.test/',
      '--txt-record=bank.example,v=spf1 -all',
      '--txt-record=_dmarc.bank.example,v=DMARC1; p=reject',
      // 127.0.0.1, the test client, is listed in the test blocklist.
      '--host-record=1.0.0.127.bl.test,127.0.0.2',
    ], { name: '_dmarc.bank.example', type: 'TXT' });
  });
  after(() => dns.stop());

  const forged = { from: 'ceo@bank.example', to: 'alice@example.test', subject: 'Urgent wire transfer', text: 'Please wire the money today.' };

  test('without the allow list the listed client is refused at connection time', async () => {
    const h = await open([]);
    try {
      const err = await transport(h, 'smtp').sendMail(forged).catch((e) => e);
      assert.match(replyOf(err), /554 5\.7\.1 Service unavailable; client host 127\.0\.0\.1 is listed in bl\.test/);
    } finally {
      await h.close();
    }
  });

  test('an allow-listed client passes the blocklist and greylisting, but a forged From: of a p=reject domain is still refused', async () => {
    const h = await open(['127.0.0.0/8']);
    try {
      const err = await transport(h, 'smtp').sendMail(forged).catch((e) => e);
      assert.match(replyOf(err), /^550 5\.7\.1 Unauthenticated email from bank\.example is not accepted due to the domain's DMARC policy/);
      // A message that authenticates nothing but claims nothing either is delivered, not greylisted.
      await transport(h, 'smtp').sendMail({ ...forged, from: 'someone@elsewhere.example', subject: 'hello' });
      const [stored] = await h.messages('alice@example.test');
      assert.match(stored, /^Authentication-Results: mx\.example\.test;/m);
    } finally {
      await h.close();
    }
  });
});

describe('outbound: a compromised account is stopped and the admin alerted', () => {
  let h: SmtpHarness;
  before(async () => { h = await openSmtpHarness((c) => { c.filter.outbound.lockAfter = 2; }); });
  after(() => h.close());

  test('spam submitted by a user is refused, audited and counted; after two the account is suspended', async () => {
    const spam = { from: 'bob@example.test', to: 'victim@remote.example', subject: 'hi', text: GTUBE };
    for (let i = 0; i < 2; i++) {
      const err = await transport(h, 'submission', 'bob@example.test').sendMail(spam).catch((e) => e);
      assert.match(replyOf(err), /^550 5\.7\.1 Message looks like spam; not sent/);
    }
    const err = await transport(h, 'submission', 'bob@example.test', PASSWORD).sendMail({ ...spam, text: 'an ordinary message' }).catch((e) => e);
    assert.match(replyOf(err), /550 5\.7\.1 Sending from this account is suspended/);
    assert.equal((await h.queued()).length, 0);
    const audit = await h.store.audit.list({ offset: 0, limit: 50, sort: 'at', order: 'desc', scope: null, objectId: h.bob.id });
    const actions = audit.items.map((e) => e.action);
    assert.equal(actions.filter((a) => a === 'outbound-spam-blocked').length, 2);
    assert.ok(actions.includes('outbound-locked'));
    assert.match(await h.metrics.registry.metrics(), /stoa_filter_outbound_blocked_total 2/);
    // Alice is not affected.
    await transport(h, 'submission', 'alice@example.test').sendMail({ from: 'alice@example.test', to: 'friend@remote.example', subject: 'hi', text: 'lunch?' });
    assert.equal((await h.queued()).length, 1);
  });
});
