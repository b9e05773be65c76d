// The `queue:` section: defaults equal to the queue's own, the smarthost from
// the file and the environment (the password only from the environment, by
// advice), errors that name the key, and the mapping onto QueueConfig with
// the server's hostname and resolvers.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../server/src/config/load.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { DEFAULT_QUEUE_CONFIG, queueConfigFrom } from '../../server/src/queue/queue-config.ts';
import { tempDir } from '../cli/run-stoa.ts';

const dir = tempDir('queue-config');
after(() => dir.cleanup());

let n = 0;
function file(text: string): string {
  const path = join(dir.path, `stoa-${++n}.yaml`);
  writeFileSync(path, text);
  return path;
}

function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(isStoaError(err, 'STOA_CONFIG_INVALID'), `expected STOA_CONFIG_INVALID, got ${String(err)}`);
    return (err.errors ?? []).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  }
  assert.fail('the configuration was accepted');
}

describe('queue configuration', () => {
  test('the defaults are the queue module\'s own, with hostname and dns from the top level', () => {
    const { config } = loadConfig({ env: { STOA_DNS_SERVERS: '127.0.0.1:5353' }, cwd: dir.path });
    const q = queueConfigFrom(config);
    assert.deepEqual({ ...q, hostname: DEFAULT_QUEUE_CONFIG.hostname, dns: DEFAULT_QUEUE_CONFIG.dns }, DEFAULT_QUEUE_CONFIG);
    assert.equal(q.hostname, config.hostname);
    assert.deepEqual(q.dns, { servers: ['127.0.0.1:5353'], timeoutMs: config.dns.timeoutMs, tries: DEFAULT_QUEUE_CONFIG.dns.tries });
    assert.equal(q.smarthost, null, 'direct MX delivery unless a smarthost is set');
    assert.equal(config.queue.worker.enabled, true);
  });

  test('a smarthost from the file, with the password from STOA_SMARTHOST_PASSWORD', () => {
    const path = file([
      'queue:', '  smarthost:', '    host: relay.example.net', '    port: 465', '    tls: tls', '    auth:', '      user: stoa',
      '  retryScheduleMs: [60000, 120000]', '  worker:', '    batchSize: 5',
    ].join('\n'));
    const { config } = loadConfig({ configPath: path, env: { STOA_SMARTHOST_PASSWORD: 's3cret' }, cwd: dir.path });
    const q = queueConfigFrom(config);
    assert.deepEqual(q.smarthost, { host: 'relay.example.net', port: 465, tls: 'tls', tlsVerify: true, auth: { user: 'stoa', password: 's3cret' } });
    assert.deepEqual(q.retryScheduleMs, [60000, 120000]);
    assert.equal(q.worker.batchSize, 5);
    assert.equal(q.worker.leaseMs, DEFAULT_QUEUE_CONFIG.worker.leaseMs, 'other keys keep their defaults');
  });

  test('STOA_SMARTHOST and STOA_SMARTHOST_PORT turn on relaying without a file', () => {
    const { config } = loadConfig({ env: { STOA_SMARTHOST: '192.0.2.25', STOA_SMARTHOST_PORT: '2525' }, cwd: dir.path });
    assert.deepEqual(queueConfigFrom(config).smarthost, { host: '192.0.2.25', port: 2525, tls: 'starttls', tlsVerify: true, auth: null });
  });

  test('bad values are reported with the key, the value and where it came from', () => {
    const path = file(['queue:', '  lifetimeMs: 10', '  retryScheduleMs: [60000, "soon"]', '  smarthost:', '    tls: maybe', '  worker:', '    speed: 3'].join('\n'));
    const errors = errorsOf(() => loadConfig({ configPath: path, env: { STOA_SMARTHOST_PORT: '99999' }, cwd: dir.path }));
    const line = (key: string) => errors.find((e) => e.startsWith(`${key}:`)) ?? assert.fail(`no error for ${key} in ${errors.join(' | ')}`);
    assert.match(line('queue.lifetimeMs'), /between 60000 and 2592000000 \(got 10\) in .*stoa-\d+\.yaml/);
    assert.match(line('queue.retryScheduleMs[1]'), /integer .*\(got "soon"\)/);
    assert.match(line('queue.smarthost.tls'), /one of "none", "starttls", "tls"/);
    assert.match(line('queue.smarthost.port'), /from STOA_SMARTHOST_PORT/);
    assert.match(line('queue.worker.speed'), /unknown key/);
  });

  test('a smarthost password without a user, or AUTH without a host, is refused by name', () => {
    const noUser = errorsOf(() => loadConfig({ env: { STOA_SMARTHOST: 'relay.test', STOA_SMARTHOST_PASSWORD: 'x' }, cwd: dir.path }));
    assert.deepEqual(noUser, ['queue.smarthost.auth.user: is required when queue.smarthost.auth.password is set from STOA_SMARTHOST_PASSWORD']);
    const noPassword = errorsOf(() => loadConfig({ env: { STOA_SMARTHOST: 'relay.test', STOA_SMARTHOST_USER: 'stoa' }, cwd: dir.path }));
    assert.match(noPassword[0], /^queue\.smarthost\.auth\.password: is required .*\(set it in STOA_SMARTHOST_PASSWORD/);
    const noHost = errorsOf(() => loadConfig({ env: { STOA_SMARTHOST_USER: 'stoa', STOA_SMARTHOST_PASSWORD: 'x' }, cwd: dir.path }));
    assert.match(noHost[0], /^queue\.smarthost\.host: is required when queue\.smarthost\.auth is set from STOA_SMARTHOST_USER/);
  });
});
