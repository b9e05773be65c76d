// IMAP SEARCH keys (wire SearchKey) → the mail domain's search criteria
// (mail/search/criteria.ts). Message-number sets become UID sets against the
// session's own view (RFC 9051 §6.4.4), "$" the saved result (RFC 5182).
import type { SearchCriteria } from '../../../mail/search/criteria.ts';
import { uidSetOf } from '../../../model/uid-set.ts';
import type { SearchKey } from '../wire/index.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true], DELETED: ['\\Deleted', true], DRAFT: ['\\Draft', true], FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true], UNANSWERED: ['\\Answered', false], UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false], UNFLAGGED: ['\\Flagged', false], UNSEEN: ['\\Seen', false],
};

const DATE_KEYS = {
  BEFORE: ['internal', 'before'], ON: ['internal', 'on'], SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'], SENTON: ['sent', 'on'], SENTSINCE: ['sent', 'since'],
  SAVEDBEFORE: ['saved', 'before'], SAVEDON: ['saved', 'on'], SAVEDSINCE: ['saved', 'since'],
} as const;

export interface CriteriaScope { selected: SelectedMailbox; saved: readonly number[] }

export function usesModseq(keys: readonly SearchKey[]): boolean {
  return keys.some((k) => k.key === 'MODSEQ' || ((k.key === 'NOT' || k.key === 'FUZZY') && usesModseq([k.criterion]))
    || (k.key === 'OR' && usesModseq([k.left, k.right])) || (k.key === 'AND' && usesModseq(k.criteria)));
}

function one(key: SearchKey, scope: CriteriaScope): SearchCriteria {
  switch (key.key) {
    case 'ALL': case 'SAVEDATESUPPORTED': return { type: 'all' };
    // RFC 3501 §6.4.4: \Recent is this session's (session/selected-mailbox.ts; none under IMAP4rev2);
    // NEW is RECENT UNSEEN and OLD is NOT RECENT.
    case 'RECENT': return { type: 'uid', uids: scope.selected.recentUids };
    case 'NEW': return { type: 'and', criteria: [{ type: 'uid', uids: scope.selected.recentUids }, { type: 'flag', flag: '\\Seen', present: false }] };
    case 'OLD': return { type: 'not', criterion: { type: 'uid', uids: scope.selected.recentUids } };
    case 'KEYWORD': case 'UNKEYWORD': return { type: 'flag', flag: key.flag, present: key.key === 'KEYWORD' };
    case 'BCC': case 'CC': case 'FROM': case 'TO': return { type: 'address', field: key.key.toLowerCase() as 'bcc', value: key.value };
    case 'SUBJECT': return { type: 'subject', value: key.value };
    case 'BODY': case 'TEXT': return { type: 'text', scope: key.key === 'BODY' ? 'body' : 'text', value: key.value };
    case 'HEADER': return { type: 'header', field: key.field, value: key.value };
    case 'BEFORE': case 'ON': case 'SINCE': case 'SENTBEFORE': case 'SENTON': case 'SENTSINCE':
    case 'SAVEDBEFORE': case 'SAVEDON': case 'SAVEDSINCE': {
      const [field, op] = DATE_KEYS[key.key];
      return { type: 'date', field, op, date: key.date };
    }
    case 'LARGER': case 'SMALLER': return { type: 'size', op: key.key === 'LARGER' ? 'larger' : 'smaller', octets: key.size };
    case 'UID': case 'SEQUENCE':
      return { type: 'uid', uids: uidSetOf(scope.selected.resolve(key.set, key.key === 'UID', scope.saved)) };
    case 'NOT': return { type: 'not', criterion: one(key.criterion, scope) };
    // RFC 6203 FUZZY: exact matching is a valid fuzzy match.
    case 'FUZZY': return one(key.criterion, scope);
    case 'OR': return { type: 'or', left: one(key.left, scope), right: one(key.right, scope) };
    case 'AND': return { type: 'and', criteria: key.criteria.map((k) => one(k, scope)) };
    case 'MODSEQ':
      return { type: 'modseq', modseq: Number(key.modseq), ...(key.entry ? { entry: { name: key.entry.name, kind: key.entry.type } } : {}) };
    case 'OLDER': case 'YOUNGER': return { type: 'age', op: key.key === 'OLDER' ? 'older' : 'younger', seconds: key.seconds };
    case 'EMAILID': return { type: 'emailId', id: key.id };
    case 'THREADID': return { type: 'threadId', id: key.id };
    default: {
      const flag = FLAG_KEYS[key.key];
      return { type: 'flag', flag: flag[0], present: flag[1] };
    }
  }
}

export function toCriteria(keys: readonly SearchKey[], scope: CriteriaScope): SearchCriteria {
  return keys.length === 1 ? one(keys[0], scope) : { type: 'and', criteria: keys.map((k) => one(k, scope)) };
}

/** RFC 9051 §6.4.4: UTF-8 and US-ASCII are always supported; the strings arrive decoded. */
export function supportedCharset(charset: string | null): boolean {
  return charset === null || /^(utf-8|us-ascii)$/i.test(charset);
}
