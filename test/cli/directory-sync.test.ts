// `stoa directory …` as an operator runs it (the real bin/stoa.js in a child
// process) against a real OpenLDAP slapd: add a connection from a YAML file
// with the bind password from the environment, test it, dry-run and run a
// sync, read status and history, and decide about a directory account.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LDAP_ROOT_DN, LDAP_ROOT_PASSWORD, LDAP_SUFFIX, ssha, startSlapd, type Slapd } from '../support/slapd.ts';
import { initStore, runStoa, tempDir } from './run-stoa.ts';

const TREE = [
  `dn: ${LDAP_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Stoa\ndc: stoa\n`,
  `dn: ou=people,${LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: people\n`,
  `dn: uid=kim,ou=people,${LDAP_SUFFIX}\nobjectClass: inetOrgPerson\nuid: kim\ncn: Kim Seven\nsn: Seven\nmail: kim@cli.stoa.test\nuserPassword: ${ssha('Kim-0penLDAP!')}\n`,
].join('\n');

// Each command is a fresh process that loads every service; on the shared 2-vCPU machine under a full
// `npm test` one took 10–20 s, so the suite's budget is generous (a busy machine is not a failure).
describe('stoa directory (CLI) against OpenLDAP', { timeout: 300_000 }, () => {
  let slapd: Slapd;
  let dir: { path: string; cleanup: () => void };
  let env: Record<string, string>;
  const stoa = (...args: string[]) => runStoa(args, { env });

  before(async () => {
    slapd = await startSlapd(TREE);
    dir = tempDir('cli-ldap');
    // The CLI works on a store `stoa serve` made; it never creates one itself.
    await initStore(dir.path);
    env = { STOA_DATA_DIR: dir.path, STOA_DEMO: '0', STOA_ADMIN_PASSWORD: 'cli admin password', LDAP_BIND: LDAP_ROOT_PASSWORD };
    writeFileSync(join(dir.path, 'ca.pem'), slapd.ca.pem);
    writeFileSync(join(dir.path, 'ol.yaml'), [
      'kind: openldap', `servers: ["${slapd.url}"]`, `bindDn: "${LDAP_ROOT_DN}"`, `baseDn: "ou=people,${LDAP_SUFFIX}"`, 'sync: { groups: false }', '',
    ].join('\n'));
    assert.equal((await stoa('domain', 'add', 'cli.stoa.test')).code, 0);
  });
  after(async () => {
    await slapd?.stop();
    dir?.cleanup();
  });

  test('add from a YAML file with a pinned CA and the password from the environment, then test', async () => {
    const added = await stoa('directory', 'add', 'ol', '--from', join(dir.path, 'ol.yaml'), '--ca-file', join(dir.path, 'ca.pem'), '--bind-password-from-env', 'LDAP_BIND');
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /bindPassword:\s+stored \(sealed\)/);
    assert.doesNotMatch(added.stdout + added.stderr, new RegExp(LDAP_ROOT_PASSWORD));
    const tested = await stoa('directory', 'test', 'ol');
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout, /ok\s+bind: bound to ldaps:/);
    assert.match(tested.stdout, /found 1 users/);
    assert.match(tested.stdout, /kim@cli\.stoa\.test/);
  });

  test('a dry run prints what would be created; a sync creates it; status and runs show the history', async () => {
    const dry = await stoa('directory', 'sync', 'ol', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Dry run \(full\) ok: read 1 users/m);
    assert.match(dry.stdout, /create\s+account\s+kim@cli\.stoa\.test/);
    assert.equal((await stoa('account', 'show', 'kim@cli.stoa.test')).code, 1);
    const run = await stoa('directory', 'sync', 'ol', '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).counts.create, 1);
    assert.match((await stoa('account', 'show', 'kim@cli.stoa.test')).stdout, /Kim Seven/);
    const status = await stoa('directory', 'status', 'ol');
    assert.match(status.stdout, /lastSync:\s+\S+ \(ok\)/);
    const runs = await stoa('directory', 'runs', 'ol');
    assert.equal(runs.stdout.trim().split('\n').length, 3, runs.stdout);
  });

  test('a directory account is detached by an admin decision; a wrong decision is a usage error', async () => {
    assert.equal((await stoa('directory', 'resolve', 'kim@cli.stoa.test')).code, 1);
    const done = await stoa('directory', 'resolve', 'kim@cli.stoa.test', '--detach');
    assert.equal(done.code, 0, done.stderr);
    assert.equal(JSON.parse((await stoa('account', 'show', 'kim@cli.stoa.test', '--json')).stdout).source, null);
    assert.equal((await stoa('directory', 'remove', 'ol')).code, 0);
  });
});
