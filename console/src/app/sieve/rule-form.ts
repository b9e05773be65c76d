// One inbox rule as form controls and back: the shared MailRule schema
// (conditions, then actions) flattened into fields an admin can fill in.
// Lists of words are written comma-separated, addresses by comma, space or
// line; empty fields are left out of the rule, so a rule keeps only what it
// says.
import type { FormBuilder } from '@angular/forms';
import { Validators } from '@angular/forms';
import { EmailAddress } from '@shared/schemas/common.ts';
import type { MailRule } from '@shared/schemas/sieve.ts';
import { addressListValidator, splitList } from '../ui/form-errors';

const EMAIL_PATTERN = (EmailAddress as unknown as { pattern: string }).pattern;
/** The schema's bounds (shared/src/schemas/sieve.ts): 50 words of 1–256 characters, 10 addresses, folders of 512. */
const MAX_WORDS = 50;
const MAX_WORD = 256;

export function wordList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function wordsValidator(control: { value: unknown }) {
  const words = wordList(String(control.value ?? ''));
  if (words.length > MAX_WORDS) return { list: `At most ${MAX_WORDS} entries` };
  const long = words.find((w) => w.length > MAX_WORD);
  return long ? { list: `"${long.slice(0, 20)}…" is longer than ${MAX_WORD} characters` } : null;
}

export function ruleGroup(fb: FormBuilder, r?: MailRule) {
  const c = r?.conditions ?? {};
  const a = r?.actions ?? {};
  return fb.nonNullable.group({
    name: [r?.name ?? 'New rule', [Validators.required, Validators.maxLength(128)]],
    enabled: [r?.enabled ?? true],
    match: [r?.match ?? 'all' as 'all' | 'any'],
    from: [(c.from ?? []).join(', '), [wordsValidator]],
    to: [(c.to ?? []).join(', '), [wordsValidator]],
    subjectContains: [(c.subjectContains ?? []).join(', '), [wordsValidator]],
    bodyContains: [(c.bodyContains ?? []).join(', '), [wordsValidator]],
    headerName: [c.header?.name ?? '', [Validators.maxLength(128), Validators.pattern(/^[!-9;-~]*$/)]],
    headerContains: [c.header?.contains ?? '', [Validators.maxLength(256)]],
    sizeOverKb: [c.sizeOverKb === undefined ? '' : String(c.sizeOverKb), [Validators.pattern(/^\d*$/)]],
    moveTo: [a.moveTo ?? '', [Validators.maxLength(512)]],
    copyTo: [a.copyTo ?? '', [Validators.maxLength(512)]],
    markRead: [a.markRead ?? false],
    flag: [a.flag ?? false],
    forwardTo: [(a.forwardTo ?? []).join(', '), [addressListValidator(EMAIL_PATTERN, 10)]],
    redirectTo: [(a.redirectTo ?? []).join(', '), [addressListValidator(EMAIL_PATTERN, 10)]],
    delete: [a.delete ?? false],
    stop: [a.stop ?? false],
  });
}

type RuleFields = ReturnType<typeof ruleGroup>['value'];

export function ruleFrom(v: RuleFields): MailRule {
  const words = (text: string | undefined) => { const w = wordList(text ?? ''); return w.length ? w : undefined; };
  const addresses = (text: string | undefined) => { const w = splitList(text ?? ''); return w.length ? w : undefined; };
  const conditions: MailRule['conditions'] = {};
  const from = words(v['from']); if (from) conditions.from = from;
  const to = words(v['to']); if (to) conditions.to = to;
  const subject = words(v['subjectContains']); if (subject) conditions.subjectContains = subject;
  const body = words(v['bodyContains']); if (body) conditions.bodyContains = body;
  const headerName = String(v['headerName'] ?? '').trim();
  if (headerName) conditions.header = { name: headerName, contains: String(v['headerContains'] ?? '') };
  const size = String(v['sizeOverKb'] ?? '').trim();
  if (size) conditions.sizeOverKb = Number(size);
  const actions: MailRule['actions'] = {};
  const moveTo = String(v['moveTo'] ?? '').trim(); if (moveTo) actions.moveTo = moveTo;
  const copyTo = String(v['copyTo'] ?? '').trim(); if (copyTo) actions.copyTo = copyTo;
  if (v['markRead']) actions.markRead = true;
  if (v['flag']) actions.flag = true;
  const forwardTo = addresses(v['forwardTo']); if (forwardTo) actions.forwardTo = forwardTo;
  const redirectTo = addresses(v['redirectTo']); if (redirectTo) actions.redirectTo = redirectTo;
  if (v['delete']) actions.delete = true;
  if (v['stop']) actions.stop = true;
  return { name: String(v['name'] ?? '').trim(), enabled: Boolean(v['enabled']), match: v['match'] === 'any' ? 'any' : 'all', conditions, actions };
}

/** Where a server field error of a rule goes: "rules.2.conditions.header.name" → [2, "headerName"]. */
export function ruleFieldOf(path: string): [number, string] | null {
  const m = /^rules\.(\d+)(?:\.(conditions|actions))?(?:\.(\w+))?(?:\.(\w+))?/.exec(path);
  if (!m) return null;
  const field = m[3] ?? 'name';
  if (field === 'header') return [Number(m[1]), m[4] === 'contains' ? 'headerContains' : 'headerName'];
  return [Number(m[1]), field];
}
