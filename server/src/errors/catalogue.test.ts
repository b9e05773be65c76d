import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ERRORS, RETIRED, StoaError, isStoaError } from './catalogue.ts';

const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error catalogue', () => {
  it('documents every code with its own section and a table row', () => {
    for (const code of Object.keys(ERRORS)) {
      assert.match(doc, new RegExp(`^### ${code}$`, 'm'), `docs/errors.md lacks a section for ${code}`);
      assert.match(doc, new RegExp(`^\\| ${code} \\| ${ERRORS[code as keyof typeof ERRORS].status} \\|`, 'm'), `docs/errors.md table row for ${code} is missing or has the wrong status`);
    }
  });

  it('never reuses a retired code', () => {
    for (const code of RETIRED) assert.equal(code in ERRORS, false, code);
  });

  it('gives SMTP replies as a 3-digit code and an RFC 3463 enhanced status code of the same class', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      if (!('smtp' in spec)) continue;
      const m = /^([245])\d\d ([245])\.\d{1,3}\.\d{1,3}$/.exec(spec.smtp);
      assert.ok(m, `${code}: ${spec.smtp}`);
      assert.equal(m[1], m[2], `${code}: reply class and enhanced class differ`);
    }
  });

  it('builds errors that carry their code, status and detail', () => {
    const err = new StoaError('STOA_INVALID_DOMAIN', 'label "-a" starts with a hyphen');
    assert.equal(err.status, 422);
    assert.equal(err.code, 'STOA_INVALID_DOMAIN');
    assert.match(err.message, /starts with a hyphen/);
    assert.ok(isStoaError(err, 'STOA_INVALID_DOMAIN'));
    assert.equal(isStoaError(new Error('x')), false);
  });
});
