import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStoaError } from '../errors/catalogue.ts';
import { normaliseMailboxName, parentNames } from './mailbox-name.ts';

describe('mailbox names', () => {
  const valid: [string, string][] = [
    ['INBOX', 'INBOX'],
    ['inbox', 'INBOX'],
    ['InBox/Receipts', 'INBOX/Receipts'],
    ['Inboxes', 'Inboxes'],
    ['Archive/2026/März', 'Archive/2026/März'],
    ['Arch\u0069\u0308v', 'Archïv'],
    ['日本語/メール', '日本語/メール'],
    ['Sent Items', 'Sent Items'],
  ];
  for (const [input, stored] of valid) {
    it(`accepts ${JSON.stringify(input)} as ${JSON.stringify(stored)}`, () => assert.equal(normaliseMailboxName(input), stored));
  }

  const invalid = ['', '/', '/Work', 'Work/', 'a//b', 'tab\there', 'nul\u0000', 'line\u2028sep', ' lead', 'trail ', 'a/ /b', 'x*', '50%',
    'x'.repeat(256), `${'abc/'.repeat(300)}end`];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.throws(() => normaliseMailboxName(input), (e) => isStoaError(e, 'STOA_MAILBOX_NAME_INVALID'));
    });
  }

  it('lists the parents of a path', () => {
    assert.deepEqual(parentNames('a/b/c'), ['a', 'a/b']);
    assert.deepEqual(parentNames('a'), []);
  });
});
