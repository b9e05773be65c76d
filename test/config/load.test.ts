// Configuration loading: defaults, the YAML file, environment overrides and
// the messages an operator sees when something is wrong.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../server/src/config/load.ts';
import { isStoaError } from '../../server/src/errors/catalogue.ts';
import { tempDir } from '../cli/run-stoa.ts';

const dir = tempDir('config');
after(() => dir.cleanup());

let n = 0;
function writeConfig(text: string): string {
  const file = join(dir.path, `stoa-${++n}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** The config-error lines the CLI would print, or null when loading succeeds. */
function errorsOf(fn: () => unknown): string[] | null {
  try {
    fn();
    return null;
  } catch (err) {
    assert.ok(isStoaError(err, 'STOA_CONFIG_INVALID'), `expected STOA_CONFIG_INVALID, got ${String(err)}`);
    return (err.errors ?? []).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  }
}

describe('configuration defaults', () => {
  test('with no file and no environment every default applies and paths are absolute', () => {
    const { config, file, dataDirExplicit } = loadConfig({ env: {}, cwd: dir.path });
    assert.equal(file, null);
    assert.equal(dataDirExplicit, false);
    assert.equal(config.dataDir, join(dir.path, 'data'));
    assert.equal(config.store.sqlite.path, join(dir.path, 'data', 'stoa.db'));
    assert.equal(config.store.blobs.path, join(dir.path, 'data', 'blobs'));
    assert.equal(config.listeners.http.port, 8080);
    assert.deepEqual(config.auth.argon2, { memoryKiB: 19456, passes: 2, parallelism: 1 });
    assert.deepEqual(config.auth.throttle, {
      ipFreeFailures: 10, accountFreeFailures: 5, baseDelayMs: 1000, maxDelayMs: 900000, windowMs: 3600000,
      knownClientDays: 30, knownClientsPerAccount: 50, maxConcurrentPerIp: 8, maxConcurrentPerAccount: 4,
    });
    assert.equal(config.api.sessionTtlHours, 12);
    assert.equal(config.api.bodyLimitBytes, 1048576);
    assert.deepEqual(config.firstStart, { adminPassword: null, adminLogin: 'admin', demo: { enabled: true, domain: 'demo.stoa.test', password: null } });
  });

  test('./stoa.yaml in the working directory is read when no file is named', () => {
    const cwd = join(dir.path);
    writeFileSync(join(cwd, 'stoa.yaml'), 'hostname: mail.example.com\n');
    try {
      const { config, file } = loadConfig({ env: {}, cwd });
      assert.equal(file, join(cwd, 'stoa.yaml'));
      assert.equal(config.hostname, 'mail.example.com');
    } finally {
      writeFileSync(join(cwd, 'stoa.yaml'), '');
    }
  });

  test('a relative dataDir in the file is relative to the file, and the file wins over defaults', () => {
    const file = writeConfig('dataDir: var/stoa\nlisteners:\n  http:\n    port: 9090\n');
    const { config, dataDirExplicit } = loadConfig({ configPath: file, env: {}, cwd: '/' });
    assert.equal(config.dataDir, join(dir.path, 'var/stoa'));
    assert.equal(dataDirExplicit, true);
    assert.equal(config.listeners.http.port, 9090);
    assert.equal(config.listeners.http.host, '0.0.0.0', 'keys not in the file keep their defaults');
  });
});

describe('environment overrides', () => {
  test('environment variables win over the file', () => {
    const file = writeConfig('listeners:\n  http:\n    port: 9090\nlog:\n  level: debug\n');
    const { config } = loadConfig({
      configPath: file, cwd: dir.path,
      env: {
        STOA_HTTP_PORT: '0', STOA_HTTP_HOST: '127.0.0.1', STOA_DATA_DIR: '/srv/stoa', STOA_LOG_LEVEL: 'error',
        STOA_ADMIN_PASSWORD: 'correct horse battery', STOA_DEMO_PASSWORD: 'demo-password-1', STOA_DEMO: '0',
        STOA_DNS_SERVERS: '127.0.0.1:5353, [::1]:53', STOA_STORE_DRIVER: 'mongodb', STOA_MONGODB_URL: 'mongodb://db/', STOA_MONGODB_DATABASE: 'mail',
      },
    });
    assert.equal(config.listeners.http.port, 0);
    assert.equal(config.listeners.http.host, '127.0.0.1');
    assert.equal(config.dataDir, '/srv/stoa');
    assert.equal(config.log.level, 'error');
    assert.equal(config.firstStart.adminPassword, 'correct horse battery');
    assert.equal(config.firstStart.demo.password, 'demo-password-1');
    assert.equal(config.firstStart.demo.enabled, false);
    assert.deepEqual(config.dns.servers, ['127.0.0.1:5353', '[::1]:53']);
    assert.equal(config.store.driver, 'mongodb');
    assert.equal(config.store.mongodb.url, 'mongodb://db/');
    assert.equal(config.store.mongodb.database, 'mail');
  });

  test('STOA_CONFIG names the file, and --config wins over it', () => {
    const a = writeConfig('hostname: a.example.com\n');
    const b = writeConfig('hostname: b.example.com\n');
    assert.equal(loadConfig({ env: { STOA_CONFIG: a }, cwd: dir.path }).config.hostname, 'a.example.com');
    assert.equal(loadConfig({ configPath: b, env: { STOA_CONFIG: a }, cwd: dir.path }).config.hostname, 'b.example.com');
  });

  test('an empty variable counts as unset', () => {
    assert.equal(loadConfig({ env: { STOA_HTTP_PORT: '' }, cwd: dir.path }).config.listeners.http.port, 8080);
  });
});

describe('configuration errors name the key, the reason, the value and the source', () => {
  const cases: { name: string; yaml?: string; env?: Record<string, string>; expect: RegExp }[] = [
    { name: 'a port that is not a number', yaml: 'listeners:\n  http:\n    port: 80a\n', expect: /^listeners\.http\.port: must be an integer between 0 and 65535 \(got "80a"\) in .*stoa-\d+\.yaml$/ },
    { name: 'a port out of range', yaml: 'listeners:\n  http:\n    port: 70000\n', expect: /^listeners\.http\.port: must be an integer between 0 and 65535 \(got 70000\) in / },
    { name: 'an unknown key', yaml: 'listeners:\n  http:\n    prot: 80\n', expect: /^listeners\.http\.prot: unknown key \(allowed here: enabled, host, port, trustProxy\) in / },
    { name: 'an unknown top-level key', yaml: 'dataDri: /srv\n', expect: /^dataDri: unknown key/ },
    { name: 'a wrong type for a boolean', yaml: 'firstStart:\n  demo:\n    enabled: "sometimes"\n', expect: /^firstStart\.demo\.enabled: must be true or false \(got "sometimes"\)/ },
    { name: 'a scalar where a section belongs', yaml: 'auth: strict\n', expect: /^auth: must be a mapping of keys \(got "strict"\)/ },
    { name: 'a value outside an enumeration', yaml: 'store:\n  driver: mysql\n', expect: /^store\.driver: must be one of "sqlite", "mongodb" \(got "mysql"\)/ },
    { name: 'a list where a string belongs', yaml: 'hostname: [a, b]\n', expect: /^hostname: must be a string \(got a list\)/ },
    { name: 'a wrong list entry', yaml: 'dns:\n  servers: [1.1.1.1, 53]\n', expect: /^dns\.servers\[1\]: must be a string \(got 53\)/ },
    { name: 'a short admin password', yaml: 'firstStart:\n  adminPassword: abc\n', expect: /^firstStart\.adminPassword: must be at least 8 characters long \(got "abc"\)/ },
    { name: 'a bad environment value', env: { STOA_HTTP_PORT: '80a' }, expect: /^listeners\.http\.port: must be an integer between 0 and 65535 \(got "80a"\) from STOA_HTTP_PORT$/ },
    { name: 'a bad STOA_DEMO flag', env: { STOA_DEMO: 'maybe' }, expect: /^firstStart\.demo\.enabled: must be true or false \(got "maybe"\) from STOA_DEMO$/ },
    { name: 'mongodb without a URL', env: { STOA_STORE_DRIVER: 'mongodb' }, expect: /^store\.mongodb\.url: is required when store\.driver is "mongodb"/ },
    { name: 'a max delay below the base delay', yaml: 'auth:\n  throttle:\n    baseDelayMs: 5000\n    maxDelayMs: 10\n', expect: /^auth\.throttle\.maxDelayMs: must not be smaller than auth\.throttle\.baseDelayMs/ },
    { name: 'a YAML syntax error, with line and column', yaml: 'listeners:\n  http:\n    port: [8080\n', expect: /stoa-\d+\.yaml:\d+:\d+: YAML syntax error: / },
    { name: 'a tab-indented YAML file', yaml: 'listeners:\n\thttp: {}\n', expect: /stoa-\d+\.yaml:2:1: YAML syntax error: / },
    { name: 'a duplicated key', yaml: 'hostname: a.example\nhostname: b.example\n', expect: /stoa-\d+\.yaml:2:1: YAML syntax error: .*[Uu]nique/ },
    { name: 'a file that is a list', yaml: '- a\n- b\n', expect: /the file must hold a mapping of keys \(got a list\)/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const configPath = c.yaml === undefined ? null : writeConfig(c.yaml);
      const errors = errorsOf(() => loadConfig({ configPath, env: c.env ?? {}, cwd: dir.path }));
      assert.ok(errors, 'loading should fail');
      assert.ok(errors.some((e) => c.expect.test(e)), `no error matched ${c.expect}; got:\n${errors.join('\n')}`);
    });
  }

  test('several mistakes are all reported at once', () => {
    const file = writeConfig('listeners:\n  http:\n    port: -1\n    host: ""\nlog:\n  level: loud\n');
    const errors = errorsOf(() => loadConfig({ configPath: file, env: {}, cwd: dir.path }));
    assert.deepEqual(errors?.map((e) => e.split(':')[0]).sort(), ['listeners.http.host', 'listeners.http.port', 'log.level']);
  });

  test('a named file that does not exist is an error, not a silent fallback to defaults', () => {
    const errors = errorsOf(() => loadConfig({ configPath: join(dir.path, 'nope.yaml'), env: {}, cwd: dir.path }));
    assert.match(errors?.[0] ?? '', /cannot read the configuration file .*nope\.yaml: no such file/);
  });

  test('an empty file means all defaults', () => {
    assert.equal(loadConfig({ configPath: writeConfig(''), env: {}, cwd: dir.path }).config.listeners.http.port, 8080);
  });
});
