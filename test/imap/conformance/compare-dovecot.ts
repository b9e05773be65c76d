// Runs the scripted conformance suite against Stoa and against a reference
// Dovecot (Debian's dovecot-imapd, started here on a free port in a
// temporary directory) and prints the pass counts of both, area by area.
// Where the RFCs mandate the behaviour both must pass; a case the reference
// fails is a case whose expectation needs a second look. Not run by
// `npm test` (Dovecot needs root); the figures go to docs/imap.md.
//
//   node test/imap/conformance/compare-dovecot.ts [--area NAME] [--verbose]
import { parseArgs } from 'node:util';
import { openImapHarness } from '../harness.ts';
import { AREAS } from './areas.ts';
import { dovecotUnavailable, startDovecot } from './dovecot.ts';
import { runCase, type CaseResult, type Target } from './runner.ts';
import { stoaTarget } from './stoa-suite.ts';

const { values } = parseArgs({ options: { area: { type: 'string' }, verbose: { type: 'boolean', default: false } } });

async function runAll(target: Target): Promise<Map<string, CaseResult[]>> {
  const out = new Map<string, CaseResult[]>();
  for (const area of AREAS) {
    if (values.area && area.name !== values.area) continue;
    const results: CaseResult[] = [];
    for (const c of area.cases) results.push(await runCase(target, c));
    out.set(area.name, results);
  }
  return out;
}

function tally(results: CaseResult[]): { pass: number; fail: number; skip: number } {
  return {
    pass: results.filter((r) => r.status === 'pass').length,
    fail: results.filter((r) => r.status === 'fail').length,
    skip: results.filter((r) => r.status === 'skip').length,
  };
}

const why = dovecotUnavailable();
if (why) {
  console.error(`compare-dovecot: ${why}`);
  process.exit(2);
}
const stoa = await openImapHarness();
const dovecot = await startDovecot();
try {
  const stoaResults = await runAll(stoaTarget(stoa));
  const dovecotResults = await runAll(dovecot.target);
  console.log(`IMAP conformance, ${new Date().toISOString().slice(0, 10)}: Stoa vs ${dovecot.version}`);
  console.log('| area | cases | Stoa pass | Stoa fail | Dovecot pass | Dovecot fail | Dovecot skipped (capability missing) |');
  console.log('|---|---|---|---|---|---|---|');
  const total = { cases: 0, s: { pass: 0, fail: 0, skip: 0 }, d: { pass: 0, fail: 0, skip: 0 } };
  for (const [area, results] of stoaResults) {
    const s = tally(results);
    const d = tally(dovecotResults.get(area) ?? []);
    total.cases += results.length;
    for (const k of ['pass', 'fail', 'skip'] as const) {
      total.s[k] += s[k];
      total.d[k] += d[k];
    }
    console.log(`| ${area} | ${results.length} | ${s.pass} | ${s.fail} | ${d.pass} | ${d.fail} | ${d.skip} |`);
  }
  console.log(`| all | ${total.cases} | ${total.s.pass} | ${total.s.fail} | ${total.d.pass} | ${total.d.fail} | ${total.d.skip} |`);
  for (const [server, results] of [['Stoa', stoaResults], ['Dovecot', dovecotResults]] as const) {
    for (const [area, list] of results) {
      for (const r of list.filter((x) => x.status !== 'pass')) {
        console.log(`\n${server} ${r.status}: [${area}] ${r.name} (${r.rfc})`);
        if (values.verbose || r.status === 'skip') console.log(r.detail);
        else console.log(r.detail?.split('\n--- transcript')[0]);
      }
    }
  }
} finally {
  await dovecot.close();
  await stoa.close();
}
