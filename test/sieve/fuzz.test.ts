// A seeded fuzzer for the Sieve parser and interpreter: random token soups,
// grammar-shaped random scripts, and mutations (flips, cuts, splices) of
// real scripts. Every input must either compile or be refused with a
// SieveSyntaxError carrying a position; every script that compiles must run
// to an answer (actions, or the implicit keep with an error) within the
// run's budget. The seed is printed so a failure can be replayed
// (SIEVE_FUZZ_SEED=…, SIEVE_FUZZ_ROUNDS=… for longer runs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileScript } from '../../server/src/sieve/compiler.ts';
import { SieveSyntaxError } from '../../server/src/sieve/errors.ts';
import { runScripts } from '../../server/src/sieve/interpreter.ts';
import { createMessageView } from '../../server/src/sieve/message-view.ts';
import { message } from './run-helper.ts';

const SEED = Number(process.env.SIEVE_FUZZ_SEED ?? 20261207);
const ROUNDS = Number(process.env.SIEVE_FUZZ_ROUNDS ?? 3000);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  'require ["fileinto", "variables", "regex", "relational", "comparator-i;ascii-numeric", "imap4flags", "body", "date", "index", "copy", "envelope", "vacation", "include", "mailbox", "reject", "encoded-character"];',
  'if header :matches "subject" "[*] *" { set "l" "${1}"; fileinto :copy :flags "\\\\Seen" "Lists/${l}"; }',
  'if anyof (address :domain :is "from" "example.com", size :over 1M, not exists "date") { keep; } elsif true { discard; } else { stop; }',
  'if header :regex "subject" "^(re|fwd?): *(.*)$" { set :lower :upperfirst "s" "${2}"; }',
  'if body :content "text" :contains ["a", "b"] { redirect :copy "x@example.net"; }',
  'if date :value "ge" :zone "+0100" "date" "iso8601" "2026-01-01T00:00:00+01:00" { vacation :days 3 :subject "away" "text"; }',
  'reject text:\nno thanks\n..\n.\n;',
  'if header :count "ge" :comparator "i;ascii-numeric" "received" "10" { fileinto :create "Loops"; }',
  'include :optional :once "other"; if string :is "${hex:41}" "A" { addflag "$x"; }',
  '/* comment */ # another\nkeep;',
];

const WORDS = [
  'if', 'elsif', 'else', 'require', 'keep', 'discard', 'stop', 'fileinto', 'redirect', 'reject', 'vacation', 'set', 'addflag',
  'header', 'address', 'envelope', 'exists', 'size', 'allof', 'anyof', 'not', 'true', 'false', 'body', 'date', 'currentdate',
  'string', 'hasflag', 'include', 'return', 'global', 'spamtest', 'mailboxexists', ':is', ':contains', ':matches', ':regex',
  ':value', ':count', ':comparator', ':over', ':under', ':days', ':copy', ':flags', ':index', ':last', ':zone', ':content',
  '"subject"', '"from"', '"*"', '"gt"', '"i;ascii-numeric"', '"x@example.com"', '"${1}"', '"[a-"', '"${unicode:110000}"',
  '[', ']', '(', ')', '{', '}', ',', ';', '1', '100K', '999999999999999999999', 'text:\nx\n.\n', '"', '/*', '#', '\\', '\0', '\u00e9',
];

function soup(r: () => number): string {
  const n = Math.floor(r() * 60);
  let out = '';
  for (let i = 0; i < n; i++) out += WORDS[Math.floor(r() * WORDS.length)] + (r() < 0.2 ? '\n' : ' ');
  return out;
}

function mutate(r: () => number, text: string): string {
  let s = text;
  const ops = 1 + Math.floor(r() * 4);
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = Math.floor(r() * 5);
    if (op === 0) s = s.slice(0, at); // truncate
    else if (op === 1) s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(at + 1); // flip
    else if (op === 2) s = s.slice(0, at) + WORDS[Math.floor(r() * WORDS.length)] + s.slice(at); // splice a token
    else if (op === 3) s = s.slice(0, at) + s.slice(at + Math.floor(r() * 10)); // delete
    else s = s.slice(0, at) + s.slice(at).repeat(1 + Math.floor(r() * 3)); // duplicate a tail
  }
  return s;
}

const raw = message({
  From: 'A <a@example.com>', To: 'me@example.com', Subject: '[list] Re: hello =?utf-8?q?w=C3=B6rld?=', Date: 'Mon, 9 Mar 2026 08:00:00 +0100',
  Received: ['from x by y; Mon, 9 Mar 2026 08:00:01 +0100', 'from z by x; Mon, 9 Mar 2026 08:00:00 +0100'],
}, 'body text with a and b\r\n');

describe('Sieve fuzzer', () => {
  it(`never crashes on ${ROUNDS} random and mutated scripts (seed ${SEED})`, () => {
    const r = prng(SEED);
    let compiled = 0;
    let refused = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const kind = r();
      const source = kind < 0.3 ? soup(r)
        : kind < 0.8 ? mutate(r, SEEDS[Math.floor(r() * SEEDS.length)])
          : SEEDS[0] + mutate(r, SEEDS.slice(1).join('\n'));
      let script;
      try {
        script = compileScript(source);
      } catch (err) {
        assert.ok(err instanceof SieveSyntaxError, `round ${round}: ${String(err)}\n${JSON.stringify(source)}`);
        assert.ok(err.line >= 1 && err.column >= 1, `round ${round}: position ${err.line}:${err.column}`);
        refused++;
        continue;
      }
      compiled++;
      const result = runScripts([{ script, key: 'personal:fuzz' }], {
        message: createMessageView(raw), envelope: { from: 'a@example.com', to: 'me@example.com' },
        spam: { score: 5, percent: 50 }, virus: 1, mailboxExists: () => r() < 0.5, now: 1_773_000_000_000, localZone: 60,
        resolveInclude: () => (r() < 0.5 ? script : null),
      });
      assert.ok(result.actions.length > 0, `round ${round}: a run always answers with at least one action`);
      if (result.errors.length > 0) assert.deepEqual(result.actions.map((a) => a.type), ['keep'], `round ${round}: a failed run keeps the message`);
    }
    assert.ok(compiled > 50 && refused > 50, `both outcomes exercised (compiled ${compiled}, refused ${refused})`);
  });

  it('stops a script that loops through includes and one that spins on matching', () => {
    const script = compileScript('require ["include", "variables"];\nset "a" "${a}${a}x";\ninclude "self";');
    const result = runScripts([{ script, key: 'personal:self' }], {
      message: createMessageView(raw), envelope: { from: '', to: 'me@example.com' }, spam: { score: null, percent: null }, virus: null,
      mailboxExists: () => true, now: 0, localZone: 0, resolveInclude: () => script,
    });
    assert.equal(result.errors[0]?.kind, 'include-loop');
    const big = message({ Subject: 'a'.repeat(20_000) });
    const spin = compileScript(`if header :matches "subject" "*${'a'.repeat(50)}b" { discard; }`);
    const spun = runScripts([{ script: spin, key: 'personal:spin' }], {
      message: createMessageView(big), envelope: { from: '', to: 'me@example.com' }, spam: { score: null, percent: null }, virus: null,
      mailboxExists: () => true, now: 0, localZone: 0, resolveInclude: () => null,
      limits: { maxInstructions: 10_000, maxWork: 100_000, maxRedirects: 4, maxActions: 32, maxIncludeDepth: 5, variables: { maxValueLength: 4096, maxVariables: 256 } },
    });
    assert.equal(spun.errors[0]?.kind, 'budget');
    assert.deepEqual(spun.actions, [{ type: 'keep', flags: [], implicit: true }]);
  });
});
