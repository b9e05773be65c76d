// ManageSieve with real, independent clients over STARTTLS: Debian's
// sieve-connect (Perl, Authen::SASL PLAIN) and python3-sievelib (SASL
// PLAIN and LOGIN). They upload, check, activate, list, download, rename and
// delete scripts; the store is checked behind them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSieveHarness, PASSWORD, type SieveHarness } from './harness.ts';
import { haveCommand, requireTool } from '../support/test-tools.ts';

const PYTHON = '/usr/bin/python3';

/** Runs sieve-connect with the password on fd 3, as its manual suggests for scripts. */
function sieveConnect(port: number, user: string, args: string[], password = PASSWORD): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('sieve-connect', ['-s', '127.0.0.1', '-p', String(port), '-u', user, '--passwordfd', '3', '--notlsverify', ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    (child.stdio[3] as NodeJS.WritableStream).end(password);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}

function python(script: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`python exited ${code}: ${err}`));
    });
  });
}

describe('ManageSieve with real clients', () => {
  let h: SieveHarness;
  let dir: string;

  before(async () => {
    requireTool('sieve-connect', haveCommand('sieve-connect'));
    requireTool('python3-sievelib', existsSync('/usr/lib/python3/dist-packages/sievelib/managesieve.py'));
    h = await openSieveHarness();
    dir = await mkdtemp(join(tmpdir(), 'stoa-sieve-clients-'));
  });
  after(async () => {
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sieve-connect uploads, lists, activates, downloads, checks and deletes over STARTTLS', async () => {
    const user = 'alice@sieve.example';
    const local = join(dir, 'invoices.sieve');
    const script = 'require ["fileinto", "imap4flags"];\r\nif header :contains "subject" "invoice" {\r\n  fileinto :flags "\\\\Flagged" "Invoices";\r\n}\r\n';
    await writeFile(local, script);
    const upload = await sieveConnect(h.port, user, ['--upload', '--localsieve', local, '--remotesieve', 'invoices']);
    assert.equal(upload.code, 0, upload.stderr);
    assert.equal((await h.store.sieveScripts.get(h.alice.id, 'invoices'))?.content, script, 'stored byte for byte');

    const activate = await sieveConnect(h.port, user, ['--activate', '--remotesieve', 'invoices']);
    assert.equal(activate.code, 0, activate.stderr);
    const list = await sieveConnect(h.port, user, ['--list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /"invoices" ACTIVE/);

    const copy = join(dir, 'copy.sieve');
    const download = await sieveConnect(h.port, user, ['--download', '--remotesieve', 'invoices', '--localsieve', copy]);
    assert.equal(download.code, 0, download.stderr);
    assert.equal(await readFile(copy, 'utf8'), script);

    const bad = join(dir, 'bad.sieve');
    await writeFile(bad, 'require "fileinto";\nif true {\n  fileinto;\n}\n');
    const check = await sieveConnect(h.port, user, ['--checkscript', '--localsieve', bad]);
    assert.notEqual(check.code, 0);
    assert.match(check.stderr, /line 3, column 3/);
    const refused = await sieveConnect(h.port, user, ['--upload', '--localsieve', bad, '--remotesieve', 'bad']);
    assert.notEqual(refused.code, 0, 'a script that does not compile is not stored');
    assert.equal(await h.store.sieveScripts.get(h.alice.id, 'bad'), null);

    const deleteActive = await sieveConnect(h.port, user, ['--delete', '--remotesieve', 'invoices']);
    assert.notEqual(deleteActive.code, 0);
    assert.match(deleteActive.stderr, /ACTIVE/);
    assert.equal((await sieveConnect(h.port, user, ['--deactivate'])).code, 0);
    assert.equal((await sieveConnect(h.port, user, ['--delete', '--remotesieve', 'invoices'])).code, 0);
    assert.equal(await h.store.sieveScripts.count(h.alice.id), 0);
  });

  it('sieve-connect cannot log in with a wrong password', async () => {
    const r = await sieveConnect(h.port, 'alice@sieve.example', ['--list'], 'wrong password');
    assert.match(r.stdout + r.stderr, /Authentication refused by server/);
    assert.doesNotMatch(r.stdout, /ACTIVE|"/);
  });

  for (const mechanism of ['PLAIN', 'LOGIN']) {
    it(`python3-sievelib (SASL ${mechanism}) uploads, checks, activates, renames and deletes`, async () => {
      const out = await python(`
import json
from sievelib.managesieve import Client
c = Client("127.0.0.1", ${h.port})
r = {}
r["connect"] = c.connect("bob@sieve.example", ${JSON.stringify(PASSWORD)}, starttls=True, authmech=${JSON.stringify(mechanism)})
r["implementation"] = c.get_implementation()
r["extensions"] = c.get_sieve_capabilities()
r["put"] = c.putscript("rules-${mechanism}", 'require "fileinto";\\nif address :domain :is "from" "crm.example" { fileinto "CRM"; }\\n')
r["check_bad"] = c.checkscript('fileinto "X";')
r["check_ok"] = c.checkscript('keep;')
r["havespace_small"] = c.havespace("small", 100)
r["havespace_big"] = c.havespace("big", 10000000)
r["setactive"] = c.setactive("rules-${mechanism}")
r["list"] = c.listscripts()
r["get"] = c.getscript("rules-${mechanism}")
r["rename"] = c.renamescript("rules-${mechanism}", "renamed-${mechanism}")
r["list_after_rename"] = c.listscripts()
r["delete_active"] = c.deletescript("renamed-${mechanism}")
r["deactivate"] = c.setactive("")
r["delete"] = c.deletescript("renamed-${mechanism}")
r["list_end"] = c.listscripts()
c.logout()
print(json.dumps(r))
`);
      const r = JSON.parse(out);
      assert.equal(r.connect, true);
      assert.equal(r.implementation, 'Stoa');
      assert.ok(r.extensions.includes('fileinto') && r.extensions.includes('vacation') && r.extensions.includes('include'));
      assert.equal(r.put, true);
      assert.equal(r.check_bad, false);
      assert.equal(r.check_ok, true);
      assert.equal(r.havespace_small, true);
      assert.equal(r.havespace_big, false);
      assert.equal(r.setactive, true);
      assert.deepEqual(r.list, [`rules-${mechanism}`, []]);
      assert.equal(r.get, 'require "fileinto";\nif address :domain :is "from" "crm.example" { fileinto "CRM"; }\n');
      assert.equal(r.rename, true);
      assert.deepEqual(r.list_after_rename, [`renamed-${mechanism}`, []]);
      assert.equal(r.delete_active, false);
      assert.equal(r.deactivate, true);
      assert.equal(r.delete, true);
      assert.deepEqual(r.list_end, [null, []]);
    });
  }
});
