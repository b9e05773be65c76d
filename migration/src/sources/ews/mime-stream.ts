// The MIME of one large message straight out of a GetItem answer: the SOAP
// response streams through sax, the base64 text of t:MimeContent is decoded
// as it arrives and written to a stream with back-pressure, so a 50 MB
// message with attachments is never held whole (issue 15 "Streaming").
// sax hands over long text in pieces of at most its buffer size (64 KiB).
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import sax from 'sax';
import { NS, ewsError } from './soap.ts';

export function mimeContentStream(body: Readable): Readable {
  const out = new PassThrough();
  const parser = sax.parser(true, { xmlns: true, trim: false, normalize: false });
  const path: string[] = [];
  let inMime = false;
  let found = false;
  let pending = '';
  let needDrain = false;
  let code: string | null = null;
  let message = '';
  let capture: 'code' | 'text' | null = null;
  let failure: Error | null = null;

  const emit = (b64: string) => {
    if (b64.length === 0) return;
    if (!out.write(Buffer.from(b64, 'base64'))) needDrain = true;
  };
  parser.onopentag = (tag) => {
    const t = tag as sax.QualifiedTag;
    path.push(t.local);
    if (t.local === 'MimeContent' && t.uri === NS.t) {
      inMime = true;
      found = true;
    } else if (t.local === 'ResponseCode' && (t.uri === NS.m || t.uri === '')) capture = 'code';
    else if (t.local === 'MessageText' && (t.uri === NS.m || t.uri === '')) capture = 'text';
  };
  parser.onclosetag = () => {
    const name = path.pop();
    if (name === 'MimeContent' && inMime) {
      inMime = false;
      emit(pending);
      pending = '';
    }
    capture = null;
  };
  parser.ontext = (text) => {
    if (inMime) {
      const all = pending + text.replace(/\s+/g, '');
      const usable = all.length - (all.length % 4);
      emit(all.slice(0, usable));
      pending = all.slice(usable);
    } else if (capture === 'code') code = (code ?? '') + text.trim();
    else if (capture === 'text') message += text;
  };
  parser.onerror = (err) => {
    failure ??= err;
    parser.resume();
  };

  void (async () => {
    const decoder = new StringDecoder('utf8');
    try {
      for await (const chunk of body) {
        parser.write(decoder.write(chunk as Buffer));
        if (failure) throw new Error(`the EWS answer is not valid XML: ${(failure as Error).message.split('\n')[0]}`);
        if (needDrain) {
          needDrain = false;
          // A consumer that gave up (destroyed the stream) never drains it.
          const done = new AbortController();
          await Promise.race([once(out, 'drain', { signal: done.signal }), once(out, 'close', { signal: done.signal })]).catch(() => undefined);
          done.abort();
          if (out.destroyed) {
            body.destroy();
            return;
          }
        }
      }
      parser.write(decoder.end()).close();
      if (!found) throw code && code !== 'NoError' ? ewsError(code, message.trim()) : new Error('the EWS answer holds no MimeContent');
      out.end();
    } catch (err) {
      body.destroy();
      out.destroy(err as Error);
    }
  })();
  return out;
}
