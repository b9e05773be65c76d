// RFC 9051 §6.3.9 LIST with RFC 5258 LIST-EXTENDED (selection SUBSCRIBED,
// SPECIAL-USE, RECURSIVEMATCH; return SUBSCRIBED, CHILDREN, SPECIAL-USE),
// RFC 5819 LIST-STATUS and RFC 6154 special-use attributes. Mailboxes come
// from session/namespaces.ts; "Other Users" and each owner are \Noselect nodes.
import { done, type AuthedContext, type CommandSpec } from '../context.ts';
import type { Response } from '../wire/index.ts';
import { listMatcher } from '../session/list-match.ts';
import { DELIMITER, accountId, visibleMailboxes, type ResolvedMailbox } from '../session/namespaces.ts';
import { statusResponse } from '../session/status-items.ts';

interface Entry { name: string; resolved: ResolvedMailbox | null; subscribed: boolean }

function parentsOf(name: string): string[] {
  const levels = name.split(DELIMITER);
  return levels.slice(0, -1).map((_, i) => levels.slice(0, i + 1).join(DELIMITER));
}

async function entries(ctx: AuthedContext): Promise<Map<string, Entry>> {
  const subscribed = new Set(await ctx.services.mailboxes.subscriptions(ctx.session.actor, accountId(ctx)));
  const byName = new Map<string, Entry>();
  for (const resolved of await visibleMailboxes(ctx)) {
    byName.set(resolved.imapName, { name: resolved.imapName, resolved, subscribed: subscribed.has(resolved.imapName) });
    // Other users' trees show their owners as \Noselect levels (RFC 9051 §5.1.2).
    for (const parent of parentsOf(resolved.imapName)) {
      if (!byName.has(parent)) byName.set(parent, { name: parent, resolved: null, subscribed: subscribed.has(parent) });
    }
  }
  for (const name of subscribed) if (!byName.has(name)) byName.set(name, { name, resolved: null, subscribed: true });
  return byName;
}

export const list: CommandSpec<'LIST', 'authenticated' | 'selected'> = {
  names: ['LIST'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const { tag, reference, patterns, selection } = command;
    const ret = command.return;
    // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root.
    if (patterns.length === 1 && patterns[0] === '') {
      return done(tag, 'LIST completed', [{ kind: 'list', attributes: ['\\Noselect'], delimiter: DELIMITER, mailbox: '' }]);
    }
    const select = new Set(selection.map((s) => s.toUpperCase()));
    const onlySubscribed = select.has('SUBSCRIBED');
    const onlySpecial = select.has('SPECIAL-USE');
    const recursive = select.has('RECURSIVEMATCH');
    const matchers = patterns.map((p) => listMatcher(reference, p));
    const all = await entries(ctx);
    const names = [...all.keys()];
    const hasChildren = (name: string): boolean => names.some((n) => n.startsWith(name + DELIMITER) && all.get(n)!.resolved !== null);
    const out: Response[] = [];
    for (const entry of [...all.values()].sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : 1))) {
      if (!matchers.some((m) => m(entry.name))) continue;
      const childInfo = onlySubscribed && recursive
        && names.some((n) => n.startsWith(entry.name + DELIMITER) && all.get(n)!.subscribed);
      if (onlySubscribed && !entry.subscribed && !childInfo) continue;
      const special = entry.resolved?.mailbox.specialUse ?? null;
      if (onlySpecial && special === null) continue;
      const isVirtual = entry.resolved === null;
      if (isVirtual && !hasChildren(entry.name) && !(onlySubscribed && entry.subscribed)) continue;
      const attributes: string[] = [];
      if (isVirtual) attributes.push(hasChildren(entry.name) ? '\\Noselect' : '\\NonExistent');
      attributes.push(hasChildren(entry.name) ? '\\HasChildren' : '\\HasNoChildren');
      if (entry.subscribed && (ret.subscribed || onlySubscribed)) attributes.push('\\Subscribed');
      if (special) attributes.push(special);
      if (entry.resolved && !entry.resolved.rights.includes('r') && !isVirtual) attributes.push('\\Noselect');
      // RFC 5258 §3.5 and §5 example 9 (A1): CHILDINFO goes with every returned mailbox that has a matching descendant, subscribed itself or not.
      out.push({
        kind: 'list', attributes, delimiter: DELIMITER, mailbox: entry.name,
        ...(childInfo ? { extended: { childInfo: ['SUBSCRIBED'] } } : {}),
      });
      // RFC 5819 §2: the STATUS of a mailbox follows its LIST response.
      if (ret.status && entry.resolved && entry.resolved.rights.includes('r')) out.push(await statusResponse(ctx, entry.resolved.mailbox, entry.name, ret.status));
    }
    return done(tag, 'LIST completed', out);
  },
};
