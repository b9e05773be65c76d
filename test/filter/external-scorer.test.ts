// The optional external scorer end to end: SpamAssassin's spamd (Debian) on a
// free port, configured as filter.spamd; its score is added to Stoa's as the
// SPAMD rule, with spamd's own rule names in the stored verdict.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { parseVerdictHeader } from '../../server/src/filter/verdict.ts';
import { openSmtpHarness, transport, type SmtpHarness } from '../smtp/harness.ts';
import { startSpamd, type Spamd } from '../support/spamd.ts';

describe('spamd as an optional scorer', () => {
  let spamd: Spamd;
  let h: SmtpHarness;
  before(async () => {
    spamd = await startSpamd();
    h = await openSmtpHarness((c) => Object.assign(c.filter.spamd, { host: '127.0.0.1', port: spamd.port, timeoutMs: 20_000 }));
  });
  after(async () => {
    await h?.close();
    await spamd?.stop();
  });

  test('spamd\'s score is added to the verdict, with spamd\'s rule names kept for the admin', async () => {
    await transport(h, 'smtp').sendMail({ from: 'friend@remote.example', to: 'alice@example.test', subject: 'Lunch on Friday?', text: 'Shall we meet at noon at the usual place?' });
    const [stored] = await h.messages('alice@example.test');
    const header = /^X-Stoa-Spam:(.*(?:\r\n[ \t].*)*)/m.exec(stored)![1];
    const parsed = parseVerdictHeader(header)!;
    const spamdHit = parsed.tests.find((t) => t.rule === 'SPAMD');
    assert.ok(spamdHit, header);
    const ours = parsed.tests.filter((t) => t.rule !== 'SPAMD').reduce((sum, t) => sum + t.score, 0);
    assert.equal(Math.round((ours + spamdHit.score) * 10) / 10, parsed.score, 'the total includes spamd\'s score');
    await h.filter.verdicts.flush();
    const verdict = await h.filter.verdicts.get(systemActor(), parsed.id!);
    assert.match(verdict.rules.find((r) => r.rule === 'SPAMD')!.detail!, /\/5(\.0)?: .*[A-Z_]{4,}/, 'spamd\'s score, threshold and its own rules');
  });

  test('GTUBE scores over 1000 in spamd too, and the message is refused', async () => {
    const err = await transport(h, 'smtp').sendMail({
      from: 'x@remote.example', to: 'alice@example.test', subject: 'test', text: 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X',
    }).catch((e) => e);
    assert.match(String(err.response), /^550 5\.7\.1 Message looks like spam \(score 2\d{3}/);
  });
});
