// RFC 5256 THREAD: ORDEREDSUBJECT (§3, "poor man's threading") and
// REFERENCES (§3, the threading algorithm of Jamie Zawinski, steps 1–7),
// over the indexed headers of the given messages.
import type { MessageSummary } from '../../store/mail-port.ts';
import { uidSetOf } from '../../model/uid-set.ts';
import type { Actor } from '../../directory/api.ts';
import type { MessageService } from '../api.ts';
import { collationKey, sentTime } from './sort.ts';

export type ThreadAlgorithm = 'orderedsubject' | 'references';

/** A thread member; `uid` null is a dummy kept to hold siblings without a common parent. */
export interface ThreadNode { uid: number | null; children: ThreadNode[] }

export type ThreadDeps = { actor: Actor; messages: Pick<MessageService, 'summaries'> };

interface Container { message: MessageSummary | null; parent: Container | null; children: Container[] }

/** RFC 5256 §2.2 sent date, then sequence (UID) order for ties. */
function compareMessages(a: MessageSummary, b: MessageSummary): number {
  return sentTime(a) - sentTime(b) || a.uid - b.uid;
}

function byDate<T extends { message: MessageSummary | null; children: T[] }>(a: T, b: T): number {
  // §3 steps 5 and 7: a dummy sorts by its first child (children are sorted first).
  return compareMessages((a.message ?? a.children[0].message)!, (b.message ?? b.children[0].message)!);
}

/** Whether the subject had a reply/forward marker that base-subject extraction removed (RFC 5256 §2.1, §3 step 6). */
export function isReplyOrForward(subject: string): boolean {
  const s = subject.replace(/\s+/g, ' ').trim();
  return /^(\[[^[\]]*\] ?)*(re|fwd?) ?(\[[^[\]]*\])? ?:/i.test(s) || /\(fwd\)$/i.test(s) || /^\[fwd:.*\]$/i.test(s);
}

function orderedSubject(messages: readonly MessageSummary[]): ThreadNode[] {
  const groups = new Map<string, MessageSummary[]>();
  for (const m of [...messages].sort(compareMessages)) {
    const key = collationKey(m.headers.baseSubject);
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  // Groups are in order of their first (earliest) message: threads sort by the date of their first message.
  return [...groups.values()].map(([first, ...rest]) => ({ uid: first.uid, children: rest.map((m) => ({ uid: m.uid, children: [] })) }));
}

function isAncestor(candidate: Container, of: Container): boolean {
  for (let c: Container | null = of; c !== null; c = c.parent) if (c === candidate) return true;
  return false;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

function unlink(child: Container): void {
  if (!child.parent) return;
  const siblings = child.parent.children;
  siblings.splice(siblings.indexOf(child), 1);
  child.parent = null;
}

/** §3 step 1: the id_table, with parent/child links from References (or In-Reply-To). */
function buildContainers(messages: readonly MessageSummary[]): Container[] {
  const table = new Map<string, Container>();
  const all: Container[] = [];
  const containerFor = (id: string): Container => {
    let c = table.get(id);
    if (!c) {
      c = { message: null, parent: null, children: [] };
      table.set(id, c);
      all.push(c);
    }
    return c;
  };
  for (const m of messages) {
    const refs = m.headers.references.length > 0 ? m.headers.references : m.headers.inReplyTo ? [m.headers.inReplyTo] : [];
    // 1A: link each reference to the next, unless already linked or a loop would form.
    let prev: Container | null = null;
    for (const id of refs) {
      const c = containerFor(id);
      if (prev && c.parent === null && !isAncestor(c, prev)) link(prev, c);
      prev = c;
    }
    // 1B: a missing or duplicate Message-ID gets a container of its own.
    let own: Container | null = m.headers.messageId ? containerFor(m.headers.messageId) : null;
    if (own === null || own.message !== null) {
      own = { message: null, parent: null, children: [] };
      all.push(own);
    }
    own.message = m;
    // 1C: this message's own References win over links guessed from other messages.
    unlink(own);
    if (prev && !isAncestor(own, prev)) link(prev, own);
  }
  return all;
}

/** §3 step 4: drop childless dummies; promote a dummy's children, except a root-level dummy with several. */
function prune(list: readonly Container[], parent: Container | null): Container[] {
  const out: Container[] = [];
  for (const c of list) {
    c.children = prune(c.children, c);
    if (c.message === null) {
      if (c.children.length === 0) continue;
      if (parent !== null || c.children.length === 1) {
        for (const child of c.children) child.parent = parent;
        out.push(...c.children);
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

/** §3 steps 5 and 7: siblings by sent date at every level, deepest first. */
function sortTree(list: Container[]): void {
  for (const c of list) sortTree(c.children);
  list.sort(byDate);
}

function firstMessage(c: Container): MessageSummary {
  return (c.message ?? c.children[0].message)!;
}

/** §3 step 6: root-level threads with the same base subject are gathered. */
function groupBySubject(roots: Container[]): Container[] {
  const subjectOf = (c: Container) => collationKey(firstMessage(c).headers.baseSubject);
  const table = new Map<string, Container>();
  for (const c of roots) {
    const subject = subjectOf(c);
    if (subject === '') continue;
    const t = table.get(subject);
    if (!t
      || (c.message === null && t.message !== null)
      || (t.message !== null && c.message !== null && isReplyOrForward(t.message.headers.subject) && !isReplyOrForward(c.message.headers.subject))) {
      table.set(subject, c);
    }
  }
  const out = [...roots];
  const remove = (c: Container) => out.splice(out.indexOf(c), 1);
  for (const c of roots) {
    const subject = subjectOf(c);
    const t = table.get(subject);
    if (subject === '' || !t || t === c) continue;
    if (t.message === null && c.message === null) {
      for (const child of c.children) link(t, child);
      remove(c);
    } else if (t.message === null) {
      link(t, c);
      remove(c);
    } else if (c.message !== null && isReplyOrForward(c.message.headers.subject) && !isReplyOrForward(t.message.headers.subject)) {
      link(t, c);
      remove(c);
    } else {
      const dummy: Container = { message: null, parent: null, children: [] };
      out[out.indexOf(t)] = dummy;
      link(dummy, t);
      link(dummy, c);
      remove(c);
      table.set(subject, dummy);
    }
  }
  return out;
}

function toNode(c: Container): ThreadNode {
  return { uid: c.message?.uid ?? null, children: c.children.map(toNode) };
}

/** RFC 5256 §3 REFERENCES over the given messages. */
export function referencesThreads(messages: readonly MessageSummary[]): ThreadNode[] {
  const ordered = [...messages].sort((a, b) => a.uid - b.uid);
  const roots = prune(buildContainers(ordered).filter((c) => c.parent === null), null);
  sortTree(roots);
  const grouped = groupBySubject(roots);
  sortTree(grouped);
  return grouped.map(toNode);
}

export function threadSummaries(algorithm: ThreadAlgorithm, messages: readonly MessageSummary[]): ThreadNode[] {
  return algorithm === 'orderedsubject' ? orderedSubject(messages) : referencesThreads(messages);
}

/** THREAD over the given UIDs (a SEARCH result); UIDs no longer in the mailbox are left out. */
export async function threadMessages(deps: ThreadDeps, mailboxId: string, algorithm: ThreadAlgorithm, uids: readonly number[]): Promise<ThreadNode[]> {
  if (uids.length === 0) return [];
  return threadSummaries(algorithm, await deps.messages.summaries(deps.actor, mailboxId, uidSetOf(uids)));
}

/**
 * RFC 5256 §4 thread-list text: a single child continues its parent's
 * list ("(1 2 3)"), several children nest ("(3 6 (4 23)(44 7 96))"), a
 * dummy has no number ("((1)(2))"). `label` maps a UID to what is printed
 * (the message number for THREAD, the UID for UID THREAD).
 */
export function formatThreads(roots: readonly ThreadNode[], label: (uid: number) => number = (uid) => uid): string {
  const members = (node: ThreadNode): string => {
    const parts: string[] = [];
    let n = node;
    while (n.uid !== null && n.children.length === 1) {
      parts.push(String(label(n.uid)));
      n = n.children[0];
    }
    if (n.uid !== null) parts.push(String(label(n.uid)));
    if (n.children.length > 0) parts.push(n.children.map((c) => `(${members(c)})`).join(''));
    return parts.join(' ');
  };
  return roots.map((r) => `(${members(r)})`).join('');
}
