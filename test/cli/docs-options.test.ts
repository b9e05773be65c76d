// Every `stoa …` command line in docs/ names a real command and real options
// (issue 16 item 24: docs/errors.md told operators to run
// `stoa account set ADDRESS --enabled true`, which the CLI refuses).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMAND_GROUPS } from '../../server/src/cli/command-index.ts';
import { REPO } from './run-stoa.ts';

const GLOBAL = new Set(['config', 'c', 'json', 'help', 'h']);

test('command lines in the docs use commands and options that exist', async () => {
  const problems: string[] = [];
  let checked = 0;
  for (const file of readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(REPO, 'docs', file), 'utf8');
    // Inline code and code-block lines that run stoa (`npx stoa …` too).
    const snippets = [...text.matchAll(/`(?:npx )?(stoa [^`\n]+)`/g)].map((m) => m[1])
      .concat([...text.matchAll(/^(?:\$ )?(?:npx )?(stoa [^\n#]+)/gm)].map((m) => m[1]));
    for (const snippet of snippets) {
      const words = snippet.trim().split(/\s+/);
      const group = COMMAND_GROUPS.get(words[1]);
      if (!group) continue; // prose such as "stoa serve" inside a sentence is caught below only when it names a group
      const loaded = await group.load();
      const command = loaded.standalone ? loaded.commands[0] : loaded.commands.find((c) => c.name === words[2]);
      if (!command) {
        if (words[2] && !words[2].startsWith('-') && /^[a-z-]+$/.test(words[2]) && !['COMMAND', 'SUBCOMMAND'].includes(words[2])) problems.push(`${file}: "${snippet}": no subcommand ${words[2]}`);
        continue;
      }
      checked++;
      for (const word of words) {
        const m = /^--?([a-z][a-z-]*)/.exec(word.replace(/^\[/, ''));
        if (!m) continue;
        const name = m[1];
        if (GLOBAL.has(name) || (command.options && name in command.options)) continue;
        // The CLI parses with allowNegative: --no-X turns the boolean option X off.
        const negated = name.startsWith('no-') ? command.options?.[name.slice(3)] : undefined;
        if (negated?.type === 'boolean') continue;
        problems.push(`${file}: "${snippet}": ${word} is not an option of stoa ${loaded.name}${loaded.standalone ? '' : ` ${command.name}`}`);
      }
    }
  }
  assert.ok(checked > 30, `only ${checked} command lines found`);
  assert.deepEqual(problems, []);
});
