// A fault on the server's side (here: the blob directory made unusable under
// a running server) is answered without the server's file system in the
// text: IMAP NO, SMTP 451 4.3.0 and POP3 -ERR carry a reference id, and the
// log line with the path carries the same id (issue 16 item 13).
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { DEMO_DOMAIN, DEMO_PASSWORD, startFullServer, type FullServer } from '../support/full-server.ts';

/** A line-oriented client: send, then wait for a line matching `done`. */
class Lines {
  readonly socket: Socket;
  text = '';
  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { this.text += d; });
    socket.on('error', () => undefined);
  }
  static async open(port: number): Promise<Lines> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
    return new Lines(socket);
  }
  async until(done: RegExp): Promise<string> {
    for (let i = 0; i < 400 && !done.test(this.text); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(this.text, done);
    const out = this.text;
    this.text = '';
    return out;
  }
  send(line: string): void { this.socket.write(`${line}\r\n`); }
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await files(path));
    else out.push(path);
  }
  return out;
}

const REF = /\(ref ([0-9a-f]{10})\)/;

describe('server faults are answered without file system paths, with a reference id that is in the log', () => {
  let s: FullServer;
  const alice = `alice@${DEMO_DOMAIN}`;
  before(async () => {
    // The faults are made in the blob directory: every body goes there (small ones are otherwise kept in the database).
    s = await startFullServer((c) => { c.store.blobs.inlineMaxBytes = 0; });
    // One message delivered while everything works, for POP3 to fail reading later.
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: s.port('smtp'), ignoreTLS: true, name: 'client.example.org' });
    await mx.sendMail({ from: 'someone@remote.example', to: alice, subject: 'before', text: 'x' });
    // Now the blob directory breaks: its temp directory becomes a file, and stored bodies vanish.
    const blobs = s.config.store.blobs.path;
    for (const f of await files(blobs)) if (/[0-9a-f]{64}$/.test(f)) await rm(f);
    await rm(join(blobs, 'tmp'), { recursive: true, force: true });
    await writeFile(join(blobs, 'tmp'), 'not a directory');
  });
  after(async () => {
    await rm(join(s.config.store.blobs.path, 'tmp'), { force: true });
    await mkdir(join(s.config.store.blobs.path, 'tmp'), { recursive: true });
    await s.close();
  });

  /** The reference in an answer, checked against the log: same id, and the log line names the path. */
  function checkReference(answer: string): void {
    assert.ok(!answer.includes(s.dir), `the answer shows a path: ${answer}`);
    assert.doesNotMatch(answer, /\/blobs|ENOTDIR|ENOENT/);
    const ref = REF.exec(answer)?.[1];
    assert.ok(ref, `no reference id in: ${answer}`);
    const line = s.logs.find((l) => l.ref === ref);
    assert.ok(line, `no log line with ref ${ref}`);
    assert.ok(JSON.stringify(line).includes(s.config.store.blobs.path), 'the log line names the path');
  }

  test('IMAP APPEND answers NO with a reference, not the blob directory', async () => {
    const c = await Lines.open(s.port('imap'));
    await c.until(/\* OK/);
    c.send(`a1 LOGIN ${alice} ${DEMO_PASSWORD}`);
    await c.until(/a1 OK/);
    const body = 'Subject: x\r\n\r\nhello\r\n';
    c.send(`a2 APPEND INBOX {${body.length}+}\r\n${body}`);
    const answer = await c.until(/a2 (OK|NO|BAD)[^\r\n]*\r\n/);
    assert.match(answer, /a2 NO \[(UNAVAILABLE|SERVERBUG)\]/);
    checkReference(answer);
    c.socket.destroy();
  });

  test('SMTP DATA answers 451 4.3.0 with a reference', async () => {
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: s.port('smtp'), ignoreTLS: true, name: 'client.example.org' });
    const err = await mx.sendMail({ from: 'someone@remote.example', to: alice, subject: 'after', text: 'x' }).then(() => null, (e: { response?: string }) => e);
    const answer = err?.response ?? '';
    assert.match(answer, /^451 4\.3\.0 /);
    checkReference(answer);
  });

  test('POP3 RETR of a body that cannot be read answers -ERR with a reference', async () => {
    const c = await Lines.open(s.port('pop3'));
    await c.until(/\+OK/);
    c.send(`USER ${alice}`);
    await c.until(/\+OK/);
    c.send(`PASS ${DEMO_PASSWORD}`);
    await c.until(/\+OK/);
    c.send('RETR 1');
    const answer = await c.until(/(-ERR|\+OK)[^\r\n]*\r\n/);
    assert.match(answer, /^-ERR /);
    checkReference(answer);
    c.socket.destroy();
  });
});
