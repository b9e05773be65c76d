// docs/filtering.md is the admin's reference for the X-Stoa-Spam header and
// filter.scores: every rule must be in its table with its default score.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES } from '../../server/src/filter/rules.ts';
import { REPO } from '../cli/run-stoa.ts';

const doc = readFileSync(join(REPO, 'docs/filtering.md'), 'utf8');

test('every scored rule is in docs/filtering.md with its default score', () => {
  const wrong = Object.entries(RULES).filter(([name, spec]) => !doc.includes(`| \`${name}\` | ${spec.score} |`)).map(([name]) => name);
  assert.deepEqual(wrong, [], `missing or with another score in docs/filtering.md: ${wrong.join(', ')}`);
});

test('the table names no rule that does not exist', () => {
  const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \| -?[\d.]+ \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.filter((name) => !Object.hasOwn(RULES, name)), []);
});
