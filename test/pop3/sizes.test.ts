// POP3 sizes come from the store (MessageIndex.wireSize, recorded at intake):
// STAT and LIST read no message body. Only a body stored before the size was
// recorded (wireSize null) is measured by streaming it through SizeCache.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Readable } from 'node:stream';
import { indexMessage } from '../../server/src/mail/mime/index.ts';
import { pop3Octets } from '../../server/src/protocols/pop3/wire/message-encoder.ts';
import { openPop3Harness, PASSWORD, RawClient, type Pop3Harness } from './harness.ts';

const CRLF = 'From: a@example.org\r\nSubject: crlf\r\n\r\nbody\r\n.dot\r\n';
const BARE_LF = 'From: b@example.org\nSubject: lf\n\nline 1\nline 2';
const LEGACY = 'From: c@example.org\nSubject: old\n\nstored before wireSize\n';

async function login(h: Pop3Harness): Promise<RawClient> {
  const c = await RawClient.open(h.tlsPort, true);
  assert.match(await c.send('USER alice@pop.example'), /^\+OK/);
  assert.match(await c.send(`PASS ${PASSWORD}`), /^\+OK Logged in/);
  return c;
}

describe('POP3 sizes', () => {
  let h: Pop3Harness;
  /** Blob ids opened through the mail service: SizeCache measurements and RETR/TOP. */
  const opened: string[] = [];
  before(async () => {
    h = await openPop3Harness();
    const open = h.mail.messages.open.bind(h.mail.messages);
    h.mail.messages.open = (actor, message, range): Promise<Readable> => {
      opened.push(message.blobId);
      return open(actor, message, range);
    };
  });
  after(() => h.close());

  it('lists new messages from their recorded size, reading no body', async () => {
    await h.append(h.alice, CRLF);
    await h.append(h.alice, BARE_LF);
    const sizes = [CRLF, BARE_LF].map((m) => pop3Octets([Buffer.from(m)]));
    const c = await login(h);
    assert.equal(await c.sendMulti('LIST'), `+OK 2 messages (${sizes[0] + sizes[1]} octets)\r\n1 ${sizes[0]}\r\n2 ${sizes[1]}\r\n.\r\n`);
    assert.equal(await c.send('STAT'), `+OK 2 ${sizes[0] + sizes[1]}\r\n`);
    assert.deepEqual(opened, []);
    // RETR streams the body, and sends exactly the octets LIST announced.
    const retr = await c.sendMulti('RETR 2');
    assert.equal(retr, `+OK ${sizes[1]} octets\r\nFrom: b@example.org\r\nSubject: lf\r\n\r\nline 1\r\nline 2\r\n.\r\n`);
    assert.equal(Buffer.byteLength(retr.slice(retr.indexOf('\r\n') + 2, -'.\r\n'.length), 'latin1'), sizes[1]);
    assert.equal(opened.length, 1);
    assert.match(await c.send('QUIT'), /^\+OK/);
    await c.closed();
  });

  it('measures a body stored without a recorded size, once', async () => {
    opened.length = 0;
    const raw = Buffer.from(LEGACY);
    const blob = await h.store.blobs.put(raw);
    const { wireSize: _, ...index } = indexMessage(raw);
    await h.store.messages.append(await h.inboxOf(h.alice), [{ blobId: blob.id, index, flags: [], internalDate: new Date().toISOString() }], new Date().toISOString());
    const size = pop3Octets([raw]);
    assert.notEqual(size, raw.length);
    for (let session = 0; session < 2; session++) {
      const c = await login(h);
      assert.equal(await c.send('LIST 3'), `+OK 3 ${size}\r\n`);
      assert.match(await c.send('QUIT'), /^\+OK/);
      await c.closed();
    }
    // Measured at the first login only (SizeCache), and only the legacy body.
    assert.deepEqual(opened, [blob.id]);
  });
});
