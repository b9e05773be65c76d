// Evaluation of tests against the message, the envelope and the
// environment. Each test extracts its values, then matchAny (match.ts)
// compares them with the keys.
import { addressPartOf, splitAddress } from './addresses.ts';
import { datePart, parseHeaderDate, type ZonedTime } from './date-parts.ts';
import type { IndexSpec, Str, Test, ZoneSpec } from './ir.ts';
import { Budget, matchAny, type MatchEnv } from './match.ts';
import type { MessageView } from './message-view.ts';
import { expand, type VariableScope } from './variables.ts';

export interface TestEnvironment {
  message: MessageView;
  /** RFC 5228 §5.4: the envelope as the delivery saw it; `from` is "" for the null sender. */
  envelope: { from: string; to: string };
  /** RFC 5235 spamtest value 1–10 (0 or null: not tested), and the percentage of spamtestplus. */
  spam: { score: number | null; percent: number | null };
  /** RFC 5235 virustest value 1–5 (null: not tested). */
  virus: number | null;
  mailboxExists(name: string): boolean;
  /** Current time (ms since epoch) and the zone "local" dates are shown in (minutes east of UTC). */
  now: number;
  localZone: number;
}

export interface TestState {
  env: TestEnvironment;
  budget: Budget;
  scope: VariableScope | null;
  /** The internal flag variable of RFC 5232 §3 and named ones (through `scope`). */
  flags(variable: string | null): string[];
}

const strings = (list: readonly Str[], scope: VariableScope | null): string[] => list.map((s) => expand(s, scope));

/** RFC 5260 §6: the chosen occurrence (1-based, from the end with :last), or all of them. */
function pick<T>(values: readonly T[], index: IndexSpec | null): readonly T[] {
  if (index === null) return values;
  const i = index.last ? values.length - index.index : index.index - 1;
  return i >= 0 && i < values.length ? [values[i]] : [];
}

function zoned(t: ZonedTime, zone: ZoneSpec, local: number): ZonedTime {
  if (zone.kind === 'original') return t;
  return { ms: t.ms, zone: zone.kind === 'fixed' ? zone.minutes : local };
}

export function evaluateTest(test: Test, st: TestState): boolean {
  const { env, budget, scope } = st;
  budget.step();
  const m: MatchEnv = { budget, scope };
  switch (test.kind) {
    case 'true': return true;
    case 'false': return false;
    case 'not': return !evaluateTest(test.test, st);
    // RFC 5228 §5.2/§5.3: evaluation short-circuits.
    case 'allof': return test.tests.every((t) => evaluateTest(t, st));
    case 'anyof': return test.tests.some((t) => evaluateTest(t, st));
    case 'exists': return strings(test.headers, scope).every((h) => env.message.rawHeader(h).length > 0);
    case 'size': return test.over ? env.message.size > test.limit : env.message.size < test.limit;
    case 'header': {
      const values: string[] = [];
      for (const h of strings(test.headers, scope)) values.push(...pick(env.message.header(h), test.index));
      return matchAny(values, test.keys, test.match, m);
    }
    case 'address': {
      const values: string[] = [];
      for (const h of strings(test.headers, scope)) {
        for (const v of pick(env.message.rawHeader(h), test.index)) {
          for (const a of env.message.addresses(v)) values.push(addressPartOf(a, test.part));
        }
      }
      return matchAny(values, test.keys, test.match, m);
    }
    case 'envelope': {
      const values: string[] = [];
      for (const f of strings(test.fields, scope)) {
        const key = f.toLowerCase();
        if (key !== 'from' && key !== 'to') continue;
        const path = env.envelope[key];
        // RFC 5228 §5.4: the null reverse-path "<>" matches "" with :all and nothing with :localpart / :domain.
        if (path === '') {
          if (test.part === 'all') values.push('');
          continue;
        }
        values.push(addressPartOf(splitAddress(path), test.part));
      }
      return matchAny(values, test.keys, test.match, m);
    }
    case 'body': {
      const { message } = env;
      let values: string[];
      if (test.transform.kind === 'raw') {
        values = [message.rawBody()];
      } else if (test.transform.kind === 'text') {
        values = message.parts().filter((p) => p.contentType.startsWith('text/')).map((p) => p.text());
      } else {
        const types = strings(test.transform.types, scope).map((t) => t.toLowerCase());
        // RFC 5173 §5.2: "" matches every part, "type" every subtype of it, "type/subtype" exactly.
        values = message.parts()
          .filter((p) => types.some((t) => t === '' || p.contentType === t || (!t.includes('/') && p.contentType.startsWith(`${t}/`))))
          .map((p) => p.text());
      }
      for (const v of values) budget.spend(v.length >> 4);
      return matchAny(values, test.keys, test.match, m);
    }
    case 'date': {
      const values: string[] = [];
      for (const v of pick(env.message.header(expand(test.header, scope)), test.index)) {
        const t = parseHeaderDate(v);
        // RFC 5260 §5: a date that does not parse makes the test false for that field.
        if (t !== null) values.push(datePart(zoned(t, test.zone, env.localZone), test.part));
      }
      if (values.length === 0 && test.match.type !== 'count') return false;
      return matchAny(values, test.keys, test.match, m);
    }
    case 'currentdate': {
      const t = zoned({ ms: env.now, zone: env.localZone }, test.zone, env.localZone);
      return matchAny([datePart(t, test.part)], test.keys, test.match, m);
    }
    case 'hasflag': {
      const flags = test.variables === null ? st.flags(null) : strings(test.variables, scope).flatMap((v) => st.flags(v));
      return matchAny(flags, test.keys, test.match, m);
    }
    case 'string': {
      // RFC 5229 §5: empty source strings are not counted by :count.
      const values = strings(test.sources, scope);
      return matchAny(test.match.type === 'count' ? values.filter((v) => v !== '') : values, test.keys, test.match, m);
    }
    case 'spamtest': {
      const value = test.percent ? env.spam.percent : env.spam.score;
      // RFC 5235 §3.2: "0" means the message was not tested; :percent has no such value, so an untested message matches nothing.
      if (value === null && test.percent) return false;
      return matchAny([String(value ?? 0)], test.keys, test.match, m);
    }
    case 'virustest':
      return matchAny([String(env.virus ?? 0)], test.keys, test.match, m);
    case 'mailboxexists':
      return strings(test.names, scope).every((n) => env.mailboxExists(n));
  }
}
