import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { defaultConfig } from '../config/schema.ts';
import { combine, tokenProbability } from './bayes-classifier.ts';
import { inspectAttachments } from './checks/attachment-check.ts';
import { createPolicyResolver } from './domain-policy.ts';
import { createMessageView } from './message-view.ts';
import { createPipeline } from './pipeline.ts';
import type { FilterCheck, FilterContext } from './pipeline-types.ts';
import { decide, parseVerdictHeader, verdictHeader, type Verdict } from './verdict.ts';
import { makeZip } from '../../../test/support/zip-writer.ts';

const silent = pino({ level: 'silent' });

function context(extra: Partial<FilterContext> = {}): FilterContext {
  return {
    direction: 'inbound', ip: '192.0.2.1', helo: 'mx.example.org', clientHostname: null, account: null, sender: 'a@example.org',
    recipients: [], recipient: null, allowListed: false, hits: [], message: null, addHeaders: [], facts: {}, log: silent, now: Date.now, ...extra,
  };
}

function check(name: string, stage: FilterCheck['stage'], run: FilterCheck['run'], extra: Partial<FilterCheck> = {}): FilterCheck {
  return { name, stage, directions: ['inbound'], timeoutMs: 100, onError: 'skip', run, ...extra };
}

describe('filter pipeline runner', () => {
  it('runs the checks of a stage in the configured order and stops at the first decision', async () => {
    const ran: string[] = [];
    const mk = (name: string, decide = false): FilterCheck => check(name, 'rcpt', async () => {
      ran.push(name);
      return decide ? { decision: { action: 'defer', reason: 'later', smtpCode: 451, enhancedCode: '4.7.1' } } : { hits: [{ rule: name.toUpperCase(), score: 1 }] };
    });
    const p = createPipeline([mk('a'), mk('b', true), mk('c')], { order: ['c', 'b'], settings: {} });
    const ctx = context();
    const out = await p.run('rcpt', ctx);
    assert.deepEqual(ran, ['c', 'b']);
    assert.equal(out.decision?.check, 'b');
    assert.deepEqual(ctx.hits.map((h) => h.rule), ['C']);
  });

  it('a check that throws counts as its policy: skip goes on, defer asks the client to retry', async () => {
    const boom = async (): Promise<never> => { throw new Error('clamd exploded'); };
    const skip = createPipeline([check('x', 'data', boom, { onError: 'skip' })], { order: [], settings: {} });
    assert.equal((await skip.run('data', context())).decision, null);
    const failures: string[] = [];
    const closed = createPipeline([check('x', 'data', boom, { onError: 'skip' })], { order: [], settings: { x: { onError: 'defer' } }, onFailure: (c, kind) => failures.push(`${c.name}:${kind}`) });
    const out = await closed.run('data', context());
    assert.deepEqual([out.decision?.action, out.decision?.smtpCode, out.decision?.enhancedCode], ['defer', 451, '4.7.1']);
    assert.equal(out.reports[0].outcome, 'error');
    assert.deepEqual(failures, ['x:error']);
  });

  it('a check that never answers times out and its signal is aborted', async () => {
    let aborted = false;
    const slow = check('slow', 'data', (_ctx, signal) => new Promise(() => { signal.addEventListener('abort', () => { aborted = true; }); }), { timeoutMs: 30, onError: 'defer' });
    const out = await createPipeline([slow], { order: [], settings: {} }).run('data', context());
    assert.equal(out.decision?.action, 'defer');
    assert.equal(out.reports[0].outcome, 'timeout');
    assert.ok(aborted);
  });

  it('takes the most severe decision of the DATA stage, and lists hits in check order', async () => {
    const p = createPipeline([
      check('junker', 'data', async () => ({ hits: [{ rule: 'J', score: 1 }], decision: { action: 'junk', reason: 'meh' } })),
      check('virus', 'data', async () => { await new Promise((r) => setTimeout(r, 10)); return { hits: [{ rule: 'V', score: 0 }], decision: { action: 'reject', reason: 'virus' } }; }),
    ], { order: [], settings: {} });
    const ctx = context();
    const out = await p.run('data', ctx);
    assert.equal(out.decision?.check, 'virus');
    assert.deepEqual(ctx.hits.map((h) => h.rule), ['J', 'V']);
  });

  it('leaves out checks switched off in config, for the other direction, or by every recipient domain', async () => {
    const config = defaultConfig().filter;
    config.domains = { 'quiet.test': { checks: { greylist: { enabled: false } } } };
    const policy = createPolicyResolver(config);
    const ran: string[] = [];
    const mk = (name: string, directions: FilterCheck['directions'] = ['inbound']): FilterCheck => check(name, 'rcpt', async () => { ran.push(name); return {}; }, { directions });
    const p = createPipeline([mk('greylist'), mk('off'), mk('submission-only', ['outbound'])], { order: [], settings: { off: { enabled: false } }, enabledFor: policy.checkEnabled });
    await p.run('rcpt', context({ recipient: { address: 'a@quiet.test', accountId: 'x', domain: 'quiet.test' } }));
    assert.deepEqual(ran, []);
    await p.run('rcpt', context({ recipient: { address: 'a@loud.test', accountId: 'x', domain: 'loud.test' } }));
    assert.deepEqual(ran, ['greylist']);
  });
});

describe('verdicts, thresholds and the X-Stoa-Spam header', () => {
  const t = { tag: 4, junk: 6, quarantine: 0, reject: 15 };
  const rules = (score: number) => [{ rule: 'A', score }];
  const table: Array<[number, string]> = [[0, 'accept'], [4, 'tag'], [6.2, 'junk'], [15, 'reject'], [-3, 'accept']];
  for (const [score, action] of table) {
    it(`score ${score} → ${action}`, () => assert.equal(decide('inbound', rules(score), null, t).action, action));
  }
  it('a hard decision is a floor, never a ceiling', () => {
    const junk = { action: 'junk' as const, check: 'mail-auth', reason: 'DMARC quarantine' };
    assert.equal(decide('inbound', rules(1), junk, t).action, 'junk');
    assert.equal(decide('inbound', rules(1000), junk, t).action, 'reject');
    assert.equal(decide('inbound', rules(1000), { action: 'accept', check: 'allow', reason: 'allowed' }, t).action, 'accept');
    assert.equal(decide('inbound', rules(9), null, { ...t, quarantine: 8 }).action, 'quarantine');
  });
  it('writes every fired rule into one folded header that parses back', () => {
    const v: Verdict = {
      id: '0f0e0d0c-1111-2222-3333-444455556666', at: new Date().toISOString(), direction: 'inbound', score: 1007.5, action: 'reject', thresholds: t,
      rules: [{ rule: 'GTUBE', score: 1000 }, { rule: 'BAYES_99', score: 5, detail: 'p=0.999' }, { rule: 'MISSING_MID', score: 0.5 }, { rule: 'HELO_NO_DOT', score: 1 }, { rule: 'SPF_PASS', score: -0.1 }, { rule: 'CONTENT_MONEY', score: 1.1 }],
      decision: null, reason: 'spam', checks: [],
    };
    const header = verdictHeader(v);
    assert.match(header, /^X-Stoa-Spam: yes; score=1007\.5; required=6; action=reject;\s+id=0f0e0d0c/);
    assert.ok(header.endsWith('\r\n'));
    for (const line of header.split('\r\n').filter(Boolean)) assert.ok(line.length <= 78, line);
    const parsed = parseVerdictHeader(header.slice('X-Stoa-Spam:'.length));
    assert.equal(parsed?.score, 1007.5);
    assert.equal(parsed?.id, v.id);
    assert.deepEqual(parsed?.tests.map((x) => x.rule), v.rules.map((r) => r.rule));
  });
  it('reads no verdict from a header that is not one', () => {
    for (const bad of ['', 'maybe; score=1', 'yes']) assert.notEqual(parseVerdictHeader(bad)?.score ?? NaN, 1);
  });
});

describe('attachment rules', () => {
  const config = defaultConfig().filter;
  const policy = createPolicyResolver(config).forDomains([]).attachments;
  const rulesOf = (files: Array<{ filename: string; bytes: Buffer }>): string[] => inspectAttachments(files, policy, config.attachments).map((f) => `${f.rule}:${f.blocks}`);
  const table: Array<[string, Array<{ filename: string; bytes: Buffer }>, string[]]> = [
    ['a PDF', [{ filename: 'invoice.pdf', bytes: Buffer.from('%PDF-1.4') }], []],
    ['an .exe', [{ filename: 'setup.EXE', bytes: Buffer.from('whatever') }], ['ATTACH_EXECUTABLE:true']],
    ['an executable under a harmless name', [{ filename: 'photo.jpg', bytes: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]) }], ['ATTACH_EXECUTABLE:true']],
    ['a double extension', [{ filename: 'invoice.pdf.exe', bytes: Buffer.from('x') }], ['ATTACH_EXECUTABLE:true', 'ATTACH_DOUBLE_EXTENSION:true']],
    ['a macro workbook', [{ filename: 'q3.xlsm', bytes: Buffer.from('x') }], ['ATTACH_MACRO:true']],
    ['a script inside a ZIP', [{ filename: 'docs.zip', bytes: makeZip([{ name: 'readme.txt', data: Buffer.from('hi') }, { name: 'run/payload.js', data: Buffer.from('alert(1)') }]) }], ['ATTACH_EXECUTABLE:true']],
    ['a ZIP inside a ZIP with an .scr', [{ filename: 'outer.zip', bytes: makeZip([{ name: 'inner.zip', data: makeZip([{ name: 'x.scr', data: Buffer.from('x') }]) }]) }], ['ATTACH_EXECUTABLE:true']],
    ['a .docx with a VBA project inside', [{ filename: 'letter.docx', bytes: makeZip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }, { name: 'word/vbaProject.bin', data: Buffer.from('vba') }]) }], ['ATTACH_MACRO:true']],
    ['a zip bomb', [{ filename: 'bomb.zip', bytes: makeZip([{ name: 'zeros', data: Buffer.alloc(20 * 1024 * 1024) }]) }], ['ATTACH_ARCHIVE_BOMB:true']],
    ['a damaged ZIP', [{ filename: 'broken.zip', bytes: makeZip([{ name: 'a.txt', data: Buffer.from('a') }]).subarray(0, 40) }], ['ATTACH_ARCHIVE_BOMB:true']],
    ['an encrypted ZIP (scored, not blocked by default)', [{ filename: 'secret.zip', bytes: makeZip([{ name: 'a.pdf', data: Buffer.from('a'), encrypted: true, store: true }]) }], ['ATTACH_ENCRYPTED_ARCHIVE:false']],
  ];
  for (const [name, files, expected] of table) it(`${name} → ${expected.join(' ') || 'nothing'}`, () => assert.deepEqual(rulesOf(files), expected));

  it('nesting deeper than the limit is refused', () => {
    let inner = makeZip([{ name: 'a.txt', data: Buffer.from('a') }]);
    for (let i = 0; i < 4; i++) inner = makeZip([{ name: `level${i}.zip`, data: inner }]);
    assert.ok(rulesOf([{ filename: 'deep.zip', bytes: inner }]).includes('ATTACH_ARCHIVE_BOMB:true'));
  });
});

describe('message view', () => {
  it('decodes text, HTML and attachments of a multipart message, bounded by maxScanBytes', () => {
    const raw = Buffer.from([
      'From: "Shop" <news@shop.example>', 'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '',
      '--b', 'Content-Type: text/html; charset=utf-8', '', '<p>Click <a href="http://shop.example/x">here</a></p>',
      '--b', 'Content-Type: application/octet-stream; name="a.bin"', 'Content-Transfer-Encoding: base64', '', Buffer.from('payload').toString('base64'),
      '--b--', '',
    ].join('\r\n'));
    const view = createMessageView(raw, raw.length, () => Readable.from([raw]), 1_000_000);
    assert.equal(view.header('subject'), 'Grüße');
    assert.match(view.text(), /Click here/);
    assert.deepEqual(view.urls(), ['http://shop.example/x']);
    assert.deepEqual(view.attachments().map((a) => [a.filename, a.bytes.toString()]), [['a.bin', 'payload']]);
    assert.equal(createMessageView(raw, raw.length, () => Readable.from([raw]), 100).truncated, true);
  });
});

describe('classifier arithmetic', () => {
  it('smooths rare tokens toward 0.5 and trusts frequent ones', () => {
    const totals = { spam: 100, ham: 100 };
    assert.equal(tokenProbability({ spam: 0, ham: 0 }, totals), 0.5);
    assert.ok(tokenProbability({ spam: 1, ham: 0 }, totals) < 0.9);
    assert.ok(tokenProbability({ spam: 50, ham: 0 }, totals) > 0.98);
    assert.ok(tokenProbability({ spam: 0, ham: 50 }, totals) < 0.02);
  });
  it('combines evidence with chi-square: agreeing tokens give certainty, mixed ones 0.5', () => {
    assert.ok(combine(Array(20).fill(0.95)) > 0.99);
    assert.ok(combine(Array(20).fill(0.05)) < 0.01);
    assert.ok(Math.abs(combine([...Array(10).fill(0.95), ...Array(10).fill(0.05)]) - 0.5) < 0.05);
    assert.equal(combine([]), 0.5);
  });
});
