// RFC 5235 values the Sieve rules see, from the filter's verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sieveVerdict } from './delivery-rules.ts';

const f = (score: number, junkAt = 5, rejectAt = 15, antivirus: 'clean' | null = null) => ({ score, junkAt, rejectAt, antivirus });

test('spamtest maps the score from 1 (clean) to 10 (at the reject threshold); not filtered is "not tested"', () => {
  const rows: Array<[ReturnType<typeof f> | null, number | null | undefined, number | null | undefined]> = [
    [null, undefined, undefined],
    [f(-3), 1, 0],
    [f(0), 1, 0],
    [f(1.5), 2, 10],
    [f(5), 4, 33],
    [f(7.5), 6, 50],
    [f(15), 10, 100],
    [f(40), 10, 100],
    // Nothing refused by score: twice the Junk threshold is the top.
    [f(5, 5, 0), 6, 50],
    [f(10, 5, 0), 10, 100],
    // Degenerate thresholds never divide by zero.
    [f(3, 0, 0), 10, 100],
  ];
  for (const [findings, level, percent] of rows) {
    const v = sieveVerdict(false, findings);
    assert.equal(v.spamScore, level, `level for ${JSON.stringify(findings)}`);
    assert.equal(v.spamPercent, percent, `percent for ${JSON.stringify(findings)}`);
  }
});

test('virustest is 1 when a scanner found nothing, and not tested without a scanner', () => {
  assert.equal(sieveVerdict(false, f(0, 5, 15, 'clean')).virusScore, 1);
  assert.equal(sieveVerdict(false, f(0)).virusScore, null);
  assert.equal(sieveVerdict(true, null).junk, true);
});
