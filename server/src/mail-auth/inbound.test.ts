// What mailauth reads of a message: the header alone unless a DKIM or ARC
// signature covers the body (authInput, inbound.ts).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { authInput } from './inbound.ts';

const HEADER = 'From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\n\r\n';
const BODY = 'line of text\r\n'.repeat(2000);

async function bytesOf(input: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(input)) return input;
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A stream of `text` in chunks of `size` bytes, recording whether it was read to its end or destroyed. */
function chunked(text: string, size: number): { stream: Readable; state: { ended: boolean; destroyed: boolean } } {
  const bytes = Buffer.from(text);
  const state = { ended: false, destroyed: false };
  const stream = Readable.from((async function* () {
    try {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      state.ended = true;
    } finally {
      if (!state.ended) state.destroyed = true;
    }
  })(), { objectMode: false });
  return { stream, state };
}

describe('what mailauth reads of an inbound message', () => {
  it('reads only the header of a message no field signs, and the whole of a signed one', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['unsigned', HEADER + BODY, false],
      ['DKIM-Signature', `DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1;\r\n\tbh=x; b=y\r\n${HEADER}${BODY}`, true],
      ['lower case, space before the colon', `dkim-signature : v=1\r\n${HEADER}${BODY}`, true],
      ['ARC set', `ARC-Seal: i=1; cv=none\r\nARC-Message-Signature: i=1; bh=x\r\n${HEADER}${BODY}`, true],
      ['the name only inside a value', `X-Note: see\r\n DKIM-Signature: in a folded value\r\n${HEADER}${BODY}`, false],
      ['a signature named in the body only', `${HEADER}DKIM-Signature: quoted in the text\r\n${BODY}`, false],
      ['bare LF line ends', `${HEADER.replace(/\r\n/g, '\n')}${BODY}`, false],
      ['no empty line (header only)', HEADER.slice(0, -2), true],
    ];
    for (const [name, text, whole] of cases) {
      const expected = whole ? text : text.slice(0, text.search(/\r?\n\r?\n/) + (text.includes('\r\n\r\n') ? 4 : 2));
      for (const size of [7, 64, 100_000]) {
        const { stream, state } = chunked(text, size);
        const out = await authInput(stream);
        assert.equal((await bytesOf(out)).toString(), expected, `${name}, stream in chunks of ${size}`);
        if (!whole) assert.ok(state.destroyed || state.ended, `${name}: the rest of the stream is let go`);
      }
      assert.equal((await bytesOf(await authInput(Buffer.from(text)))).toString(), expected, `${name}, buffer`);
    }
  });

  it('finds the end of the header across chunk boundaries', async () => {
    const text = HEADER + BODY;
    const end = HEADER.length;
    // Every split of the CRLF CRLF separator between two chunks.
    for (let cut = end - 4; cut <= end; cut++) {
      const bytes = Buffer.from(text);
      const out = await authInput(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)], { objectMode: false }));
      assert.ok(Buffer.isBuffer(out));
      assert.equal(out.toString(), HEADER, `cut at ${cut}`);
    }
  });

  it('passes a message whose header is larger than 1 MiB through whole', async () => {
    const huge = `X-Filler: ${'x'.repeat(1024 * 1024)}\r\n${HEADER}${BODY}`;
    const out = await authInput(chunked(huge, 64 * 1024).stream);
    assert.ok(!Buffer.isBuffer(out));
    assert.equal((await bytesOf(out)).length, Buffer.byteLength(huge));
  });
});
