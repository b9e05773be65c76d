// The cheaper ways the filter reads a message give the verdicts the plain
// ways gave, on every message of the shared corpus:
//   - mailauth reads the header section alone when nothing is signed
//     (checks/mail-auth-check.ts) and authenticates it as it did the whole
//     message;
//   - the phrase families run in one pass (checks/pattern-set.ts) and find
//     the phrases each family's own expression finds over the whole text.
// DNS goes to a port where nothing listens: every lookup fails at once, the
// same way for both readings.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { authInput } from '../../server/src/filter/checks/mail-auth-check.ts';
import { FAMILIES, familyHits, hasPrices, phraseText, PRICES, SCAM_MANY } from '../../server/src/filter/checks/phrase-rules.ts';
import { createMessageView } from '../../server/src/filter/message-view.ts';
import { createInboundAuthenticator } from '../../server/src/mail-auth/inbound.ts';
import { CORPUS } from '../support/corpus.ts';

const messages = readdirSync(CORPUS).filter((c) => statSync(join(CORPUS, c)).isDirectory()).sort()
  .flatMap((c) => readdirSync(join(CORPUS, c)).filter((n) => n.endsWith('.eml')).sort().map((n) => ({ name: `${c}/${n}`, raw: readFileSync(join(CORPUS, c, n)) })));
const view = (raw: Buffer) => createMessageView(raw, raw.length, () => Readable.from([raw]), 10 * 1024 * 1024);

describe('the shared corpus read the cheap way and the plain way', () => {
  it('mailauth gives the same results from the header section of unsigned mail', async () => {
    const config = defaultConfig();
    config.hostname = 'mx.corpus.test';
    config.dns.servers = ['127.0.0.1:9'];
    // Refused at once; the long timeout only keeps a busy machine (a 1 MB message
    // parsed while a lookup waits) from turning a refusal into a timeout.
    config.dns.timeoutMs = 60_000;
    const auth = createInboundAuthenticator(config, pino({ level: 'silent' }));
    let headerOnly = 0;
    for (const { name, raw } of messages.filter((m) => /^(?:dkim|signed|plain|ham|spam|dsn)\//.test(m.name))) {
      const input = authInput(view(raw));
      if (Buffer.isBuffer(input) && input.length < raw.length) headerOnly++;
      const common = { ip: '198.51.100.25', helo: 'mail.sender.example', mailFrom: 'sender@corpus.example' };
      const cheap = await auth.authenticateInbound({ message: input, ...common });
      const plain = await auth.authenticateInbound({ message: Readable.from([raw]), ...common });
      assert.deepEqual(cheap, plain, name);
    }
    assert.ok(headerOnly > 50, `only ${headerOnly} messages went without their body`);
  });

  it('the phrase families and the prices find what their own expressions find', () => {
    for (const { name, raw } of messages) {
      const m = view(raw);
      const text = `${m.header('subject') ?? ''}\n${m.text()}`;
      const flat = phraseText(text);
      const plain = FAMILIES.map(({ rule, re, min }) => {
        const found = new Set<string>();
        for (const match of flat.matchAll(re)) if (found.add(match[0]).size >= SCAM_MANY) break;
        return found.size >= min ? { rule, found: [...found] } : null;
      }).filter((f) => f !== null);
      assert.deepEqual(familyHits(flat), plain, name);
      assert.equal(hasPrices(text, 2), (text.match(PRICES) ?? []).length >= 2, name);
    }
  });
});
