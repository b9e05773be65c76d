// The cheaper ways the filter reads a message give the verdicts the plain
// ways gave, on every message of the shared corpus:
//   - the phrase families run in one pass (checks/pattern-set.ts) and find
//     the phrases each family's own expression finds over the whole text.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { FAMILIES, familyHits, hasPrices, phraseText, PRICES, SCAM_MANY } from '../../server/src/filter/checks/phrase-rules.ts';
import { createMessageView } from '../../server/src/filter/message-view.ts';
import { CORPUS } from '../support/corpus.ts';

const messages = readdirSync(CORPUS).filter((c) => statSync(join(CORPUS, c)).isDirectory()).sort()
  .flatMap((c) => readdirSync(join(CORPUS, c)).filter((n) => n.endsWith('.eml')).sort().map((n) => ({ name: `${c}/${n}`, raw: readFileSync(join(CORPUS, c, n)) })));
const view = (raw: Buffer) => createMessageView(raw, raw.length, () => Readable.from([raw]), 10 * 1024 * 1024);

describe('the shared corpus read the cheap way and the plain way', () => {
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
