import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStoaError } from '../errors/catalogue.ts';
import { applyFlags, decodeFlags, encodeFlags } from './mail-flags.ts';

describe('flag encoding', () => {
  it('stores system flags as bits in any case and keywords once, first spelling kept', () => {
    const e = encodeFlags(['\\seen', '\\DELETED', 'Work', 'work', '$Forwarded']);
    assert.deepEqual(e, { bits: 1 | 8, keywords: ['$Forwarded', 'Work'] });
    assert.deepEqual(decodeFlags(e.bits, e.keywords), ['\\Seen', '\\Deleted', '$Forwarded', 'Work']);
  });

  const bad = ['\\Recent', '\\Custom', 'two words', 'paren(', 'quote"', 'star*', 'brace{', 'pct%', 'bracket]', '', 'tab\t'];
  for (const flag of bad) {
    it(`refuses ${JSON.stringify(flag)} (RFC 9051 §9 flag-keyword is an atom)`, () => {
      assert.throws(() => encodeFlags([flag]), (e) => isStoaError(e, 'STOA_VALIDATION'));
    });
  }

  it('applies FLAGS, +FLAGS and -FLAGS (RFC 9051 §6.4.6)', () => {
    const current = encodeFlags(['\\Seen', 'Urgent']);
    assert.deepEqual(applyFlags(current, 'add', encodeFlags(['\\Flagged', 'urgent', 'Later'])), { bits: 1 | 4, keywords: ['Later', 'Urgent'] });
    assert.deepEqual(applyFlags(current, 'remove', encodeFlags(['\\Seen', 'URGENT'])), { bits: 0, keywords: [] });
    assert.deepEqual(applyFlags(current, 'replace', encodeFlags(['\\Draft'])), { bits: 16, keywords: [] });
  });
});
