// Which rules fire where: every message of the shared corpus judged by the
// whole pipeline with an untrained classifier (DNS offline, as in run.ts),
// grouped as spam/, ham/ and the rest (366 messages of real mail software:
// bounces, invitations, reports, newsletters, signed and legacy-charset
// mail). A rule meant to generalise fires on spam and stays quiet on the
// rest; the rest's messages at or over the tag threshold are listed.
//
//   node test/bench/filter/rule-report.ts [--all]   (--all: every message's score)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CORPUS } from '../../support/corpus.ts';
import { judge, openBenchFilter } from './bench-filter.ts';

const { values: args } = parseArgs({ options: { all: { type: 'boolean', default: false } } });
const { config, filter, close } = await openBenchFilter('filter-rule-report');
try {
  type Group = 'spam' | 'ham' | 'rest';
  const fired = new Map<string, Record<Group, number>>();
  const totals = { spam: 0, ham: 0, rest: 0 };
  const loud: string[] = [];
  const categories = readdirSync(CORPUS).filter((c) => statSync(join(CORPUS, c)).isDirectory()).sort();
  for (const category of categories) {
    const group: Group = category === 'spam' ? 'spam' : category === 'ham' ? 'ham' : 'rest';
    for (const name of readdirSync(join(CORPUS, category)).filter((n) => n.endsWith('.eml')).sort()) {
      const raw = readFileSync(join(CORPUS, category, name));
      const e = await judge(filter, raw, { address: 'user@bench.test', domain: 'bench.test' });
      totals[group]++;
      for (const h of e.verdict.rules) {
        const row = fired.get(h.rule) ?? { spam: 0, ham: 0, rest: 0 };
        row[group]++;
        fired.set(h.rule, row);
      }
      const rules = e.verdict.rules.filter((h) => h.score !== 0).map((h) => `${h.rule}=${h.score}`).join(' ');
      const line = `${category}/${name}: ${e.verdict.score} ${e.action} (${rules})`;
      if (args.all || (group !== 'spam' && e.verdict.score >= config.filter.thresholds.tag)) loud.push(line);
    }
  }
  console.log(`corpus ${CORPUS}: ${totals.spam} spam, ${totals.ham} ham, ${totals.rest} other\n`);
  console.log('| rule | spam | ham | other |');
  console.log('|---|---|---|---|');
  for (const [rule, row] of [...fired].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`| ${rule} | ${row.spam} | ${row.ham} | ${row.rest} |`);
  console.log(`\n${args.all ? 'every message' : `non-spam at or over the tag threshold (${config.filter.thresholds.tag})`}: ${loud.length}`);
  for (const line of loud) console.log(`  ${line}`);
  await filter.verdicts.flush();
} finally {
  await close();
}
