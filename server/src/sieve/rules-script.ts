// Simple rules and the out-of-office reply (shared/src/schemas/sieve.ts) as a
// Sieve script the user can open in any ManageSieve client. The settings
// travel inside the script as one comment line, so the script is the single
// source of truth: reading the rules back needs nothing else, and a script
// edited by hand keeps its settings line for the next save to start from.
import type { MailRule, OutOfOffice } from '../../../shared/src/schemas/sieve.ts';

/** The name of the generated script. */
export const GENERATED_SCRIPT = 'stoa-rules';

export interface GeneratedSettings {
  rules: MailRule[];
  outOfOffice: OutOfOffice | null;
}

const MARKER = '# stoa-settings: ';

export const DEFAULT_OUT_OF_OFFICE: OutOfOffice = {
  enabled: false, start: null, end: null,
  internal: { subject: 'Out of office', message: '' },
  external: { enabled: true, subject: 'Out of office', message: '' },
  replyIntervalDays: 7,
};

/** RFC 5228 §2.4.2: inside a quoted string only `"` and `\` need a backslash. */
function q(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/\r?\n/g, '\r\n')}"`;
}

const list = (values: readonly string[]): string => (values.length === 1 ? q(values[0]) : `[${values.map(q).join(', ')}]`);

/** An ISO timestamp as RFC 5260 "iso8601" shows it in UTC, so that it compares as a string with currentdate :zone "+0000". */
function iso8601(timestamp: string): string {
  return `${new Date(timestamp).toISOString().slice(0, 19)}+00:00`;
}

/** Stoa's mailbox separator is "/" (mail/mailbox-name.ts); names are written as given. */
function folder(name: string): string {
  return name.split('/').map((s) => s.trim()).filter((s) => s !== '').join('/');
}

function ruleTests(rule: MailRule): string[] {
  const c = rule.conditions;
  const tests: string[] = [];
  if (c.from?.length) tests.push(`address :all :contains "from" ${list(c.from)}`);
  if (c.to?.length) tests.push(`address :all :contains ["to", "cc"] ${list(c.to)}`);
  if (c.subjectContains?.length) tests.push(`header :contains "subject" ${list(c.subjectContains)}`);
  if (c.bodyContains?.length) tests.push(`body :text :contains ${list(c.bodyContains)}`);
  if (c.header) tests.push(`header :contains ${q(c.header.name)} ${q(c.header.contains)}`);
  if (c.sizeOverKb !== undefined) tests.push(`size :over ${c.sizeOverKb}K`);
  return tests;
}

function ruleActions(rule: MailRule): string[] {
  const a = rule.actions;
  const out: string[] = [];
  const flags = [...(a.markRead ? ['\\\\Seen'] : []), ...(a.flag ? ['\\\\Flagged'] : [])];
  // RFC 5232: flags added here go with the keep and every fileinto that follows.
  if (flags.length > 0) out.push(`addflag [${flags.map((f) => `"${f}"`).join(', ')}];`);
  for (const address of a.forwardTo ?? []) out.push(`redirect :copy ${q(address)};`);
  if (a.copyTo) out.push(`fileinto :copy :create ${q(folder(a.copyTo))};`);
  for (const address of a.redirectTo ?? []) out.push(`redirect ${q(address)};`);
  if (a.delete) out.push('fileinto :create "Trash";');
  else if (a.moveTo) out.push(`fileinto :create ${q(folder(a.moveTo))};`);
  if (a.stop) out.push('stop;');
  return out;
}

function outOfOfficeBlock(ooo: OutOfOffice, internalDomains: readonly string[]): string[] {
  if (!ooo.enabled) return [];
  const window: string[] = [];
  if (ooo.start) window.push(`currentdate :zone "+0000" :value "ge" "iso8601" ${q(iso8601(ooo.start))}`);
  if (ooo.end) window.push(`currentdate :zone "+0000" :value "lt" "iso8601" ${q(iso8601(ooo.end))}`);
  const days = ooo.replyIntervalDays;
  const reply = (r: { subject: string; message: string }, handle: string) => `vacation :days ${days} :subject ${q(r.subject)} :handle ${q(handle)} ${q(r.message)};`;
  const body: string[] = [];
  if (internalDomains.length > 0) {
    body.push(`if envelope :domain :is "from" ${list(internalDomains)} {`, `  ${reply(ooo.internal, 'stoa-ooo-internal')}`, '}');
    if (ooo.external.enabled) body.push('else {', `  ${reply(ooo.external, 'stoa-ooo-external')}`, '}');
  } else {
    body.push(reply(ooo.external.enabled ? ooo.external : ooo.internal, 'stoa-ooo'));
  }
  if (window.length === 0) return ['# Out of office', ...body];
  return ['# Out of office, switched on and off by the dates', `if allof (${window.join(', ')}) {`, ...body.map((l) => `  ${l}`), '}'];
}

/** The Sieve script for the settings; `internalDomains` are the account's domain and its alias domains. */
export function generateScript(settings: GeneratedSettings, internalDomains: readonly string[]): string {
  const lines = [
    '# Rules and out-of-office reply set in Stoa. Saving them there again',
    '# replaces this script; the line below keeps the settings themselves.',
    `${MARKER}${JSON.stringify(settings)}`,
    'require ["fileinto", "mailbox", "imap4flags", "copy", "body", "envelope", "vacation", "date", "relational"];',
    '',
  ];
  if (settings.outOfOffice) lines.push(...outOfOfficeBlock(settings.outOfOffice, internalDomains), '');
  for (const rule of settings.rules) {
    if (!rule.enabled) {
      lines.push(`# Rule ${JSON.stringify(rule.name)} is switched off.`, '');
      continue;
    }
    const tests = ruleTests(rule);
    const actions = ruleActions(rule);
    lines.push(`# Rule ${JSON.stringify(rule.name)}`);
    if (actions.length === 0) {
      lines.push('# (no action)', '');
      continue;
    }
    const test = tests.length === 0 ? 'true' : tests.length === 1 ? tests[0] : `${rule.match === 'any' ? 'anyof' : 'allof'} (${tests.join(', ')})`;
    lines.push(`if ${test} {`, ...actions.map((a) => `  ${a}`), '}', '');
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The settings a generated script carries, or empty ones for a script without them. */
export function readSettings(content: string | null): GeneratedSettings {
  const empty: GeneratedSettings = { rules: [], outOfOffice: null };
  if (content === null) return empty;
  const start = content.indexOf(MARKER);
  if (start < 0) return empty;
  const end = content.slice(start).search(/\r|\n/);
  try {
    const parsed = JSON.parse(content.slice(start + MARKER.length, end < 0 ? undefined : start + end)) as Partial<GeneratedSettings>;
    return { rules: Array.isArray(parsed.rules) ? parsed.rules : [], outOfOffice: parsed.outOfOffice ?? null };
  } catch {
    return empty;
  }
}
