// The command index (server/src/cli/command-index.ts) lets `stoa --help`
// and each command load only what they need (issue 16 item 18). It repeats
// what the command modules say about themselves, so it must not drift.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMAND_INDEX } from '../../server/src/cli/command-index.ts';
import { runStoa } from './run-stoa.ts';

test('the command index names every group, summary and subcommand exactly as the loaded commands do', async () => {
  for (const entry of COMMAND_INDEX) {
    const group = await entry.load();
    assert.equal(group.name, entry.name);
    assert.equal(group.summary, entry.summary, entry.name);
    assert.deepEqual(group.standalone ? null : group.commands.map((c) => c.name), entry.subcommands, entry.name);
  }
});

test('stoa --help lists every command without reading a configuration or a store', async () => {
  // A configuration file that does not exist would fail any command that reads it.
  const r = await runStoa(['--help'], { env: { STOA_CONFIG: '/nonexistent/stoa.yaml' } });
  assert.equal(r.code, 0, r.stderr);
  for (const entry of COMMAND_INDEX) assert.match(r.stdout, new RegExp(`^  ${entry.name}\\s+`, 'm'));
  assert.match(r.stdout, /account\s+user accounts .*\(list, add, import, show, set, remove, passwd\)/);
  const group = await runStoa(['account', '--help'], { env: { STOA_CONFIG: '/nonexistent/stoa.yaml' } });
  assert.equal(group.code, 0, group.stderr);
  assert.match(group.stdout, /^ {2}import\s+/m);
});
