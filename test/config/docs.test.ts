// docs/configuration.md is the operator's reference: every key and every
// environment variable must be in it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENV_VARS } from '../../server/src/config/env.ts';
import { configKeyPaths, defaultConfig } from '../../server/src/config/schema.ts';
import { REPO } from '../cli/run-stoa.ts';

const doc = readFileSync(join(REPO, 'docs/configuration.md'), 'utf8');

function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

test('every key in the defaults is documented in docs/configuration.md', () => {
  const missing = leafPaths(defaultConfig()).filter((key) => !doc.includes(`| \`${key}\` |`));
  assert.deepEqual(missing, [], `undocumented keys: ${missing.join(', ')}`);
});

test('the schema and the defaults list the same keys', () => {
  assert.deepEqual(configKeyPaths().sort(), leafPaths(defaultConfig()).sort());
});

test('every environment variable is documented with the key it sets', () => {
  for (const v of ENV_VARS) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${v.name}\` |`));
    assert.ok(row, `${v.name} is not in the environment table`);
    if (v.path) assert.ok(row.includes(`\`${v.path}\``), `${v.name} row should name ${v.path}`);
  }
});
