// The delivery entry point end to end over a real store: rules and
// out-of-office set through SieveService, loaded with deliveryScripts(),
// run by evaluateDelivery() with the store's vacation memory and a clock the
// test moves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Account } from '../../shared/src/schemas/directory.ts';
import { directoryActor } from './sieve-harness.ts';
import { openHarness, type Harness } from '../directory/harness.ts';
import { evaluateDelivery, type DeliveryInput, type DeliveryScripts } from '../../server/src/sieve/evaluate-delivery.ts';
import { createSieveService, type SieveService } from '../../server/src/sieve/sieve-service.ts';
import { message, summary } from './run-helper.ts';

describe('evaluateDelivery', () => {
  let h: Harness;
  let sieve: SieveService;
  let bob: Account;
  const now = Date.parse('2026-07-01T10:00:00Z');

  before(async () => {
    h = await openHarness();
    await h.directory.domains.create(h.system, { name: 'corp.example' });
    bob = await h.directory.accounts.create(h.system, { address: 'bob@corp.example', password: 'long enough secret' });
    sieve = createSieveService({ store: h.store, directory: h.directory, settings: h.config.sieve });
  });
  after(async () => h.close());

  const input = (scripts: DeliveryScripts, raw: Buffer, over: Partial<DeliveryInput> = {}): DeliveryInput => ({
    scripts, message: raw,
    envelope: { sender: 'partner@outside.example', recipient: 'bob@corp.example' },
    recipient: { accountId: bob.id, address: 'bob@corp.example', addresses: ['bob@corp.example'] },
    verdict: { junk: false }, mailboxExists: (name) => ['INBOX', 'CRM'].includes(name),
    now, vacationMemory: h.store.sieveVacation, hostname: 'mx.corp.example', ...over,
  });

  it('files CRM mail into a folder and flags it (a rule set through the API model)', async () => {
    const bobActor = directoryActor(bob);
    await sieve.setRules(bobActor, bob.id, [{
      name: 'CRM', enabled: true, match: 'all', conditions: { from: ['@crm.example.net'] }, actions: { moveTo: 'CRM', flag: true, stop: true },
    }]);
    const scripts = await sieve.deliveryScripts(bob.id);
    const crm = message({ From: 'CRM <noreply@crm.example.net>', To: 'bob@corp.example', Subject: 'Lead 42' });
    const out = await evaluateDelivery(input(scripts, crm, { envelope: { sender: 'bounce@crm.example.net', recipient: 'bob@corp.example' } }));
    assert.deepEqual(out.actions.map(summary), ['fileinto:CRM[\\Flagged]:create']);
    assert.deepEqual(out.errors, []);
    const other = await evaluateDelivery(input(scripts, message({ From: 'x@elsewhere.example', To: 'bob@corp.example' })));
    assert.deepEqual(other.actions.map(summary), ['keep']);
  });

  it('replies once per sender and never to a list', async () => {
    const bobActor = directoryActor(bob);
    await sieve.setOutOfOffice(bobActor, bob.id, {
      enabled: true, start: null, end: null, replyIntervalDays: 7,
      internal: { subject: 'Away', message: 'Back Monday.' },
      external: { enabled: true, subject: 'Out of office', message: 'I am away until Monday. Für dringende Fälle: sales@corp.example' },
    });
    const scripts = await sieve.deliveryScripts(bob.id);
    const mail = message({ From: 'Partner <partner@outside.example>', To: 'Bob <bob@corp.example>', Subject: 'Offer', 'Message-ID': '<offer-1@outside.example>', References: '<thread-0@outside.example>' });
    const first = await evaluateDelivery(input(scripts, mail));
    assert.ok(first.vacation, 'the first message gets a reply');
    assert.equal(first.vacation.to, 'partner@outside.example');
    assert.equal(first.vacation.sender, '');
    const reply = first.vacation.bytes.toString('utf8');
    assert.match(reply, /^Auto-Submitted: auto-replied/m);
    assert.match(reply, /^In-Reply-To: <offer-1@outside.example>$/m);
    assert.match(reply, /^References: <thread-0@outside.example> <offer-1@outside.example>$/m);
    assert.match(reply, /^Subject: Out of office$/m);
    assert.match(reply, /^To: <partner@outside.example>$/m);
    assert.match(reply, /Für dringende Fälle/);
    assert.ok(first.actions.some((a) => a.type === 'keep'), 'the message itself is still delivered');

    const again = await evaluateDelivery(input(scripts, mail, { now: now + 3600_000 }));
    assert.equal(again.vacation, undefined, 'no second reply within the period');
    const later = await evaluateDelivery(input(scripts, mail, { now: now + 8 * 86_400_000 }));
    assert.ok(later.vacation, 'a new reply once the period is over');

    const list = message({ From: 'dev@lists.example', To: 'bob@corp.example', 'List-Id': '<dev.lists.example>', Subject: 'digest' });
    assert.equal((await evaluateDelivery(input(scripts, list, { envelope: { sender: 'dev-bounces@lists.example', recipient: 'bob@corp.example' } }))).vacation, undefined);
    const bulk = message({ From: 'news@shop.example', To: 'bob@corp.example', Precedence: 'bulk' });
    assert.equal((await evaluateDelivery(input(scripts, bulk, { envelope: { sender: 'news@shop.example', recipient: 'bob@corp.example' } }))).vacation, undefined);
    const auto = message({ From: 'robot@outside.example', To: 'bob@corp.example', 'Auto-Submitted': 'auto-generated' });
    assert.equal((await evaluateDelivery(input(scripts, auto, { envelope: { sender: 'robot@outside.example', recipient: 'bob@corp.example' } }))).vacation, undefined);
    const bounce = message({ From: 'MAILER-DAEMON@outside.example', To: 'bob@corp.example' });
    assert.equal((await evaluateDelivery(input(scripts, bounce, { envelope: { sender: '', recipient: 'bob@corp.example' } }))).vacation, undefined);
    const bcc = message({ From: 'someone@outside.example', To: 'team@outside.example' });
    assert.equal((await evaluateDelivery(input(scripts, bcc, { envelope: { sender: 'someone@outside.example', recipient: 'bob@corp.example' } }))).vacation, undefined, 'not an explicit recipient');
    const self = message({ From: 'bob@corp.example', To: 'bob@corp.example' });
    assert.equal((await evaluateDelivery(input(scripts, self, { envelope: { sender: 'bob@corp.example', recipient: 'bob@corp.example' } }))).vacation, undefined, 'never to the user');
    const spam = message({ From: 'x@spam.example', To: 'bob@corp.example' });
    assert.equal((await evaluateDelivery(input(scripts, spam, { envelope: { sender: 'x@spam.example', recipient: 'bob@corp.example' }, verdict: { junk: true } }))).vacation, undefined, 'never to spam');

    const colleague = message({ From: 'carol@corp.example', To: 'bob@corp.example', Subject: 'lunch?' });
    const internal = await evaluateDelivery(input(scripts, colleague, { envelope: { sender: 'carol@corp.example', recipient: 'bob@corp.example' } }));
    assert.match(internal.vacation?.bytes.toString() ?? '', /^Subject: Away$/m, 'colleagues get the internal message');
  });

  it('switches an out-of-office with dates on and off by itself', async () => {
    const bobActor = directoryActor(bob);
    await sieve.setOutOfOffice(bobActor, bob.id, {
      enabled: true, start: '2026-08-01T00:00:00Z', end: '2026-08-15T00:00:00Z', replyIntervalDays: 1,
      internal: { subject: 'Holiday', message: 'On holiday.' }, external: { enabled: true, subject: 'Holiday', message: 'On holiday.' },
    });
    const scripts = await sieve.deliveryScripts(bob.id);
    const from = (n: number) => ({ envelope: { sender: `p${n}@outside.example`, recipient: 'bob@corp.example' } });
    const mail = (n: number) => message({ From: `p${n}@outside.example`, To: 'bob@corp.example', Subject: 'hi' });
    const at = (iso: string) => Date.parse(iso);
    assert.equal((await evaluateDelivery(input(scripts, mail(1), { ...from(1), now: at('2026-07-31T23:59:00Z') }))).vacation, undefined, 'off before the start');
    assert.ok((await evaluateDelivery(input(scripts, mail(2), { ...from(2), now: at('2026-08-01T00:00:00Z') }))).vacation, 'on at the start');
    assert.ok((await evaluateDelivery(input(scripts, mail(3), { ...from(3), now: at('2026-08-14T23:59:59Z') }))).vacation, 'on until the end');
    assert.equal((await evaluateDelivery(input(scripts, mail(4), { ...from(4), now: at('2026-08-15T00:00:00Z') }))).vacation, undefined, 'off from the end');
  });

  it('keeps the message and reports the error when a script fails', async () => {
    const script = 'require ["fileinto", "variables"];\nset "a" "x";\nredirect "one@outside.example";\nredirect "two@outside.example";\nredirect "three@outside.example";\nredirect "four@outside.example";\nredirect "five@outside.example";';
    const bobActor = directoryActor(bob);
    await sieve.put(bobActor, bob.id, 'broken', script);
    await sieve.setActive(bobActor, bob.id, 'broken');
    const out = await evaluateDelivery(input(await sieve.deliveryScripts(bob.id), message({ From: 'a@b.example', To: 'bob@corp.example' })));
    assert.deepEqual(out.actions, [{ type: 'keep', flags: [], implicit: true }]);
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0].kind, 'redirect-limit');
    assert.equal(out.errors[0].line, 7);
  });

  it('keeps mail whose folder is missing, whose redirect loops or leaves a domain that forbids it', async () => {
    const bobActor = directoryActor(bob);
    await sieve.put(bobActor, bob.id, 'edge', 'require "fileinto";\nif header :is "subject" "a" { fileinto "Nowhere"; }\nif header :is "subject" "b" { redirect "bob@corp.example"; }\nif header :is "subject" "c" { redirect "out@outside.example"; }');
    await sieve.setActive(bobActor, bob.id, 'edge');
    const scripts = await sieve.deliveryScripts(bob.id);
    const missing = await evaluateDelivery(input(scripts, message({ Subject: 'a', To: 'bob@corp.example' })));
    assert.deepEqual([missing.actions.map(summary), missing.errors.map((e) => e.kind)], [['keep'], ['mailbox-missing']]);
    const loop = await evaluateDelivery(input(scripts, message({ Subject: 'b', To: 'bob@corp.example' })));
    assert.deepEqual([loop.actions.map(summary), loop.errors.map((e) => e.kind)], [['keep'], ['redirect-loop']]);
    const traced = await evaluateDelivery(input(scripts, message({ Subject: 'c', 'X-Stoa-Sieve-Redirected-By': 'bob@corp.example' })));
    assert.deepEqual(traced.errors.map((e) => e.kind), ['redirect-loop']);
    const forbidden = await evaluateDelivery(input(scripts, message({ Subject: 'c' }), { redirectPolicy: { allowExternal: false, isLocalDomain: (d) => d === 'corp.example' } }));
    assert.deepEqual([forbidden.actions.map(summary), forbidden.errors.map((e) => e.kind)], [['keep'], ['redirect-forbidden']]);
    const allowed = await evaluateDelivery(input(scripts, message({ Subject: 'c' })));
    assert.deepEqual(allowed.actions.map(summary), ['redirect:out@outside.example']);
  });

  it('runs the domain\'s global script before the user\'s, and a stop there ends the run', async () => {
    const admin = directoryActor({ ...bob, id: null as unknown as string, role: 'server-admin' });
    await sieve.setDomain(admin, 'corp.example', { script: 'require ["fileinto", "spamtest", "relational", "comparator-i;ascii-numeric"];\nif spamtest :value "ge" :comparator "i;ascii-numeric" "8" { fileinto "Junk"; stop; }', allowExternalRedirect: true });
    const bobActor = directoryActor(bob);
    await sieve.put(bobActor, bob.id, 'mine', 'require "fileinto";\nfileinto "CRM";');
    await sieve.setActive(bobActor, bob.id, 'mine');
    const scripts = await sieve.deliveryScripts(bob.id);
    assert.ok(scripts.global && scripts.personal);
    const mail = message({ From: 'x@y.example', To: 'bob@corp.example' });
    assert.deepEqual((await evaluateDelivery(input(scripts, mail, { verdict: { junk: true, spamScore: 9 }, mailboxExists: () => true }))).actions.map(summary), ['fileinto:Junk']);
    assert.deepEqual((await evaluateDelivery(input(scripts, mail, { verdict: { junk: false, spamScore: 2 } }))).actions.map(summary), ['fileinto:CRM']);
    await sieve.setDomain(admin, 'corp.example', { script: null, allowExternalRedirect: true });
  });

  it('answers with the implicit keep when there is no script at all', async () => {
    const out = await evaluateDelivery(input({ global: null, personal: null }, message({ Subject: 'x' })));
    assert.deepEqual(out, { actions: [{ type: 'keep', flags: [], implicit: true }], errors: [] });
  });
});
