// An import acts as whoever runs it (issue 15 on main's shape): the engine's
// sink and directory target carry that principal, the import service and the
// intake's 'import' origin check it. A domain admin fills the users of their
// domain, and nothing else: another domain's account answers as missing, an
// account there is not created, and another admin of their own domain is
// refused; nothing half-imported is left.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actorFor } from '../../server/src/directory/access.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import { DEFAULT_OPTIONS, runMigration } from '../../migration/src/engine/run.ts';
import { createDirectoryTarget } from '../../migration/src/sink/directory-target.ts';
import { createServicesSink } from '../../migration/src/sink/services-sink.ts';
import { mboxSource } from '../../migration/src/sources/files/mbox-source.ts';
import { openTarget, SYSTEM, user, type Target } from './harness.ts';
import { corpusSample, writeMbox } from './samples.ts';

const work = mkdtempSync(join(tmpdir(), 'stoa-migrate-rights-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('imports run with the rights of whoever runs them', () => {
  let target: Target;
  let adminA: Actor;
  const path = join(work, 'Old Mail');
  const sample = corpusSample(5);

  before(async () => {
    target = await openTarget({ groupware: false });
    await target.directory.domains.create(SYSTEM, { name: 'other.example' });
    const admin = await target.directory.accounts.create(SYSTEM, { address: 'da@example.org' });
    adminA = actorFor(await target.directory.accounts.grantRole(SYSTEM, admin.id, { role: 'domain-admin', domains: ['example.org'] }), '127.0.0.1');
    const second = await target.directory.accounts.create(SYSTEM, { address: 'da2@example.org' });
    await target.directory.accounts.grantRole(SYSTEM, second.id, { role: 'domain-admin', domains: ['example.org'] });
    await target.account('kept@other.example');
    writeMbox(path, sample.map((m) => ({ bytes: m.bytes })));
  });
  after(() => target.close());

  const runAs = (actor: Actor, users: ReturnType<typeof user>[]) => runMigration({
    source: mboxSource(), sink: createServicesSink({ importer: target.services.migrations.importer, actor }),
    directory: createDirectoryTarget(target.directory.accounts, actor), checkpoints: target.checkpoints,
  }, users, DEFAULT_OPTIONS, 'mbox');

  test('a domain admin imports into a user of their domain, created on the way, with the same bytes', async () => {
    const report = await runAs(adminA, [user(path, 'new@example.org')]);
    assert.equal(report.ok, true, JSON.stringify(report.users[0]));
    assert.equal(report.users[0].accountCreated, true);
    assert.equal(report.totals.imported, sample.length);
    assert.equal((await target.snapshot('new@example.org'))['Old Mail'].length, sample.length);
  });

  test('another domain\'s account answers as missing and is neither created nor filled; another admin is refused', async () => {
    const report = await runAs(adminA, [user(path, 'kept@other.example', { create: false }), user(path, 'made@other.example'), user(path, 'da2@example.org', { create: false })]);
    assert.equal(report.ok, false);
    const [kept, made, admin2] = report.users;
    assert.match(kept.error ?? '', /no Stoa account kept@other.example/, JSON.stringify(kept));
    assert.match(made.error ?? '', /domain|allowed|forbidden/i, JSON.stringify(made));
    assert.equal(admin2.folders[0].state, 'failed', JSON.stringify(admin2));
    assert.match(admin2.folders[0].reason ?? '', /STOA_FORBIDDEN/);
    assert.equal(report.totals.imported, 0);
    assert.deepEqual(await target.snapshot('kept@other.example'), {});
    await assert.rejects(target.directory.accounts.get(SYSTEM, 'made@other.example'));
    assert.deepEqual(await target.snapshot('da2@example.org'), {});
  });
});
