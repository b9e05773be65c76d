// Scripts that must be refused at upload, with the line and column a user
// sees in their editor, and scripts at the edges of the grammar that must
// compile. Malformed, truncated, oversized and hostile input included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkScript, compileScript, DEFAULT_COMPILE_OPTIONS } from './compiler.ts';

const bad: [name: string, script: string, line: number, column: number, message: RegExp][] = [
  ['unknown command', 'keep;\nfrobnicate;', 2, 1, /unknown command "frobnicate"/],
  ['unknown test', 'if frob "x" { keep; }', 1, 4, /unknown test "frob"/],
  ['extension used without require', 'fileinto "x";', 1, 1, /needs require "fileinto"/],
  ['unsupported extension', 'require ["fileinto", "notify"];', 1, 22, /unsupported extension "notify"/],
  ['require after a command', 'keep;\nrequire "fileinto";', 2, 1, /before any other command/],
  ['missing semicolon', 'keep\ndiscard;', 2, 1, /"keep" takes no test/],
  ['missing semicolon at the end', 'keep', 1, 5, /expected ";" or "\{" after the arguments of "keep", found the end/],
  ['unterminated string', 'if header :is "a" "b { keep; }', 1, 19, /unterminated string/],
  ['unterminated block', 'if true {\n  keep;\n', 3, 1, /missing "}"/],
  ['stray closing brace', 'keep;\n}', 2, 1, /without a matching/],
  ['unterminated comment', 'keep;\n/* never ends', 2, 1, /unterminated \/\*/],
  ['unterminated text:', 'require "reject";\nreject text:\nno end', 2, 8, /unterminated "text:"/],
  ['text: followed by junk', 'require "reject";\nreject text: junk\n.\n;', 2, 14, /end of the line/],
  ['tag without a name', 'if header : "a" "b" { keep; }', 1, 11, /tag name/],
  ['number running into a name', 'if size :over 10x { keep; }', 1, 17, /number must not run into/],
  ['number too large', 'if size :over 99999999999999999999 { keep; }', 1, 15, /number too large/],
  ['unknown tag', 'if header :foo "a" "b" { keep; }', 1, 11, /no ":foo" argument/],
  ['two match types', 'if header :is :contains "a" "b" { keep; }', 1, 15, /cannot be combined/],
  ['tag given twice', 'if header :is :is "a" "b" { keep; }', 1, 15, /given twice/],
  ['missing key list', 'if header :is "a" { keep; }', 1, 4, /needs 2 arguments/],
  ['too many arguments', 'keep "x";', 1, 6, /too many arguments/],
  ['a list where a string is needed', 'redirect ["a@b.example"];', 1, 10, /must be a string/],
  ['size without :over or :under', 'if size 100 { keep; }', 1, 4, /:over" or ":under/],
  ['if without a block', 'if true;', 1, 1, /needs a block/],
  ['if with two tests', 'if true false { keep; }', 1, 9, /"true" takes no nested test/],
  ['elsif without if', 'elsif true { keep; }', 1, 1, /without a preceding "if"/],
  ['else after else', 'if true { keep; } else { keep; } else { keep; }', 1, 34, /"else" after "else"/],
  ['not with a test list', 'if not (true) { keep; }', 1, 4, /exactly one test/],
  ['allof without parentheses', 'if allof true { keep; }', 1, 4, /test list in parentheses/],
  ['comparator not required', 'if header :comparator "i;ascii-numeric" "a" "1" { keep; }', 1, 23, /needs require "comparator-i;ascii-numeric"/],
  ['unknown comparator', 'if header :comparator "i;klingon" "a" "1" { keep; }', 1, 23, /unknown comparator/],
  ['numeric comparator with :contains', 'require "comparator-i;ascii-numeric";\nif header :contains :comparator "i;ascii-numeric" "a" "1" { keep; }', 2, 21, /cannot be used with ":contains"/],
  ['bad relational operator', 'require "relational";\nif header :value "bigger" "a" "1" { keep; }', 2, 18, /not a relational operator/],
  [':count without relational', 'if header :count "gt" "a" "1" { keep; }', 1, 11, /needs require "relational"/],
  ['bad regex', 'require "regex";\nif header :regex "subject" "(unclosed" { keep; }', 2, 28, /bad regular expression/],
  ['regex back-reference', 'require "regex";\nif header :regex "subject" "(a)\\\\1" { keep; }', 2, 28, /back-references/],
  ['invalid redirect address', 'redirect "not an address";', 1, 10, /not a valid address/],
  ['invalid variable name', 'require "variables";\nset "1abc" "x";', 2, 5, /not a valid variable name/],
  ['bad zone', 'require "date";\nif date :zone "CET" "date" "hour" "09" { keep; }', 2, 15, /":zone" must look like/],
  ['bad date part', 'require "date";\nif currentdate "fortnight" "1" { keep; }', 2, 16, /unknown date part/],
  [':last without :index', 'require "index";\nif header :last :is "a" "b" { keep; }', 2, 11, /":last" needs ":index"/],
  ['envelope part not supported', 'require "envelope";\nif envelope "auth" "x" { keep; }', 2, 13, /not supported/],
  ['bad encoded character', 'require ["encoded-character", "fileinto"];\nfileinto "${unicode:D800}";', 2, 10, /not a Unicode scalar value/],
  ['encoded hex that is not UTF-8', 'require ["encoded-character", "fileinto"];\nfileinto "${hex:ff}";', 2, 10, /does not encode UTF-8/],
  ['include with a bad name', 'require "include";\ninclude "a/b";', 2, 9, /not a valid script name/],
  [':seconds without vacation-seconds', 'require "vacation";\nvacation :seconds 60 "x";', 2, 10, /needs require "vacation-seconds"/],
  [':days and :seconds together', 'require "vacation-seconds";\nvacation :days 1 :seconds 60 "x";', 2, 18, /cannot be combined/],
  ['NUL in the script', 'keep;\n\0', 2, 1, /NUL/],
  ['unexpected character', 'keep; @', 1, 7, /unexpected character/],
  ['hasflag variable list without variables', 'require "imap4flags";\nif hasflag "v" "\\\\Seen" { keep; }', 2, 4, /needs require "variables"/],
];

describe('scripts refused with line and column', () => {
  for (const [name, script, line, column, message] of bad) {
    it(name, () => {
      const err = checkScript(script);
      assert.ok(err, 'the script is refused');
      assert.match(err.message, message);
      assert.deepEqual([err.line, err.column], [line, column], err.message);
    });
  }
});

describe('limits', () => {
  it('refuses a script over the size limit before parsing it', () => {
    const err = checkScript(`keep;${' '.repeat(2000)}`, { ...DEFAULT_COMPILE_OPTIONS, maxBytes: 1000 });
    assert.match(err?.message ?? '', /more than the limit of 1000/);
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = `${'if true {'.repeat(5000)}keep;${'}'.repeat(5000)}`;
    assert.match(checkScript(deep)?.message ?? '', /nesting deeper than 32/);
    const nots = `if ${'not '.repeat(10_000)}true { keep; }`;
    assert.match(checkScript(nots)?.message ?? '', /nesting deeper/);
  });

  it('refuses more commands than the limit', () => {
    assert.match(checkScript('keep;'.repeat(30_000))?.message ?? '', /more than 20000 commands/);
  });

  it('refuses string lists longer than the limit', () => {
    const list = Array.from({ length: 2000 }, (_, i) => `"${i}"`).join(',');
    assert.match(checkScript(`if header :is "a" [${list}] { keep; }`)?.message ?? '', /more than 1024 strings/);
  });
});

describe('scripts at the edges of the grammar that compile', () => {
  const good: [string, string][] = [
    ['an empty script', ''],
    ['only comments', '# nothing\n/* at all */'],
    ['identifiers and tags are case-insensitive', 'REQUIRE "fileinto"; IF HEADER :IS "a" "b" { FILEINTO "x"; }'],
    ['CR-only and LF-only line ends', 'keep;\rdiscard;\nkeep;\r\n'],
    ['escapes in quoted strings', 'if header :is "a" "q\\"uote\\\\back\\slash" { keep; }'],
    ['quoted strings across lines', 'if header :is "a" "two\nlines" { keep; }'],
    ['K, M and G quantifiers', 'if anyof (size :over 1k, size :over 2M, size :under 1G) { keep; }'],
    ['text: with a comment after it', 'require "reject";\nreject text: # why\nline\n.\n;'],
    ['empty text:', 'require "reject";\nreject text:\n.\n;'],
    ['every supported extension at once', `require ["fileinto", "reject", "ereject", "envelope", "encoded-character", "imap4flags", "variables", "vacation", "vacation-seconds", "body", "relational", "date", "index", "copy", "regex", "spamtest", "spamtestplus", "virustest", "include", "mailbox", "comparator-i;ascii-numeric", "comparator-i;unicode-casemap"];\nkeep;`],
  ];
  for (const [name, script] of good) {
    it(name, () => {
      assert.equal(checkScript(script)?.message ?? null, null);
    });
  }

  it('records the scripts a script includes', () => {
    const compiled = compileScript('require "include";\ninclude :global "before";\ninclude :optional "mine";');
    assert.deepEqual(compiled.includes, [{ location: 'global', name: 'before', optional: false }, { location: 'personal', name: 'mine', optional: true }]);
  });

  it('raises a too-short vacation period to the site minimum and caps a long one', () => {
    const [short] = compileScript('require "vacation-seconds";\nvacation :seconds 1 "x";').commands;
    const [long] = compileScript('require "vacation";\nvacation :days 1000 "x";').commands;
    assert.equal(short.kind === 'vacation' && short.vacation.periodSeconds, DEFAULT_COMPILE_OPTIONS.minVacationSeconds);
    assert.equal(long.kind === 'vacation' && long.vacation.periodSeconds, DEFAULT_COMPILE_OPTIONS.maxVacationSeconds);
  });
});
