import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diff, redact } from './audit-log.ts';

describe('audit redaction', () => {
  it('never lets a hash or secret through', () => {
    assert.deepEqual(redact({ address: 'a@example.com', passwordHash: '$argon2id$…', secretHash: 'x', secret: 'abcd', password: 'pw' }),
      { address: 'a@example.com', passwordHash: '[set]', secretHash: '[set]', secret: '[set]', password: '[set]' });
  });
  it('shows an unset password as null', () => {
    assert.deepEqual(redact({ passwordHash: null }), { passwordHash: null });
  });
  it('records only changed fields on update, ignoring updatedAt', () => {
    const before = { id: '1', quotaBytes: 1, forwardTo: ['x@example.com'], updatedAt: 'a', passwordHash: 'h1' };
    const after = { id: '1', quotaBytes: 2, forwardTo: ['x@example.com'], updatedAt: 'b', passwordHash: 'h2' };
    assert.deepEqual(diff(before, after), { before: { quotaBytes: 1, passwordHash: '[set]' }, after: { quotaBytes: 2, passwordHash: '[set]' } });
  });
});
