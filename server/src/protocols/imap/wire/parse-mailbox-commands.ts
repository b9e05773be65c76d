// Commands whose main argument is a mailbox: SELECT/EXAMINE (RFC 7162
// CONDSTORE/QRESYNC), CREATE (RFC 6154 USE), LIST (RFC 5258, 5819, 6154),
// STATUS, APPEND (RFC 3502, 3516, 6855), quota (RFC 9208) and ACL (RFC 4314).
import type { AppendMessage, CommandBody, ListReturn, QresyncParams, SequenceSet } from './command-types.ts';
import { type Lexer, LITERAL } from './lexer.ts';
import { readFlagList, readListMailbox, readMailbox, readStatusItems } from './arguments.ts';
import { readDateTime } from './date-time.ts';
import { readSequenceSet } from './sequence-set.ts';

/** QRESYNC SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" (RFC 7162 §7). */
function readQresync(lx: Lexer): QresyncParams {
  lx.sp();
  lx.open();
  const uidValidity = lx.nzNumber();
  lx.sp();
  const modseq = lx.number64();
  let knownUids: SequenceSet | null = null;
  let seqMatch: QresyncParams['seqMatch'] = null;
  if (lx.moreArgs(0x29)) {
    if (lx.peek() !== 0x28) {
      knownUids = readSequenceSet(lx);
      if (!lx.moreArgs(0x29)) {
        lx.close();
        return { uidValidity, modseq, knownUids, seqMatch };
      }
    }
    lx.open();
    const seqs = readSequenceSet(lx);
    lx.sp();
    const uids = readSequenceSet(lx);
    lx.close();
    seqMatch = { seqs, uids };
  }
  lx.close();
  return { uidValidity, modseq, knownUids, seqMatch };
}

/** select = "SELECT" SP mailbox [select-params] (RFC 9051 §6.3.2, RFC 7162 §3.1.8 and §3.2.5). */
export function parseSelect(lx: Lexer, name: 'SELECT' | 'EXAMINE'): CommandBody {
  lx.sp();
  const mailbox = readMailbox(lx);
  let condstore = false;
  let qresync: QresyncParams | null = null;
  if (!lx.atEnd()) {
    lx.sp();
    lx.open();
    do {
      const param = lx.keyword();
      if (param === 'CONDSTORE' && !condstore) condstore = true;
      else if (param === 'QRESYNC' && qresync === null) qresync = readQresync(lx);
      else lx.fail(`Unknown select parameter ${param}`);
    } while (lx.moreArgs(0x29));
    lx.close();
  }
  lx.expectEnd();
  return { name, mailbox, condstore, qresync };
}

/** create = "CREATE" SP mailbox [create-params]; create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")" (RFC 6154 §6). */
export function parseCreate(lx: Lexer): CommandBody {
  lx.sp();
  const mailbox = readMailbox(lx);
  const specialUse: string[] = [];
  if (!lx.atEnd()) {
    lx.sp();
    lx.open();
    do {
      lx.expectKeyword('USE');
      lx.sp();
      lx.open();
      while (lx.peek() !== 0x29) {
        if (specialUse.length > 0) lx.sp();
        lx.expectChar(0x5c, 'a special-use attribute');
        specialUse.push('\\' + lx.atom());
      }
      lx.close();
    } while (lx.moreArgs(0x29));
    lx.close();
  }
  lx.expectEnd();
  return { name: 'CREATE', mailbox, specialUse };
}

const SELECT_OPTIONS = new Set(['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE']);

/** list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts] (RFC 5258 §6). */
export function parseList(lx: Lexer): CommandBody {
  lx.sp();
  const selection: string[] = [];
  if (lx.peek() === 0x28) {
    lx.open();
    while (lx.peek() !== 0x29) {
      if (selection.length > 0) lx.sp();
      const opt = lx.keyword();
      if (!SELECT_OPTIONS.has(opt)) lx.fail(`Unknown LIST selection option ${opt}`);
      selection.push(opt);
    }
    lx.close();
    lx.sp();
    // RFC 5258 §3: RECURSIVEMATCH alone (or only with REMOTE) is meaningless and must be answered with BAD.
    if (selection.includes('RECURSIVEMATCH') && selection.every((o) => o === 'RECURSIVEMATCH' || o === 'REMOTE')) {
      lx.fail('RECURSIVEMATCH needs another selection option');
    }
  }
  const reference = readMailbox(lx);
  lx.sp();
  const patterns: string[] = [];
  if (lx.peek() === 0x28) {
    lx.open();
    do patterns.push(readListMailbox(lx));
    while (lx.moreArgs(0x29));
    lx.close();
  } else {
    patterns.push(readListMailbox(lx));
  }
  const ret: ListReturn = { subscribed: false, children: false, specialUse: false, status: null };
  if (!lx.atEnd()) {
    lx.sp();
    lx.expectKeyword('RETURN');
    lx.sp();
    lx.open();
    let first = true;
    while (lx.peek() !== 0x29) {
      if (!first) lx.sp();
      first = false;
      const opt = lx.keyword();
      if (opt === 'SUBSCRIBED') ret.subscribed = true;
      else if (opt === 'CHILDREN') ret.children = true;
      else if (opt === 'SPECIAL-USE') ret.specialUse = true;
      else if (opt === 'STATUS' && ret.status === null) {
        lx.sp();
        ret.status = readStatusItems(lx);
      } else lx.fail(`Unknown LIST return option ${opt}`);
    }
    lx.close();
  }
  lx.expectEnd();
  return { name: 'LIST', reference, patterns, selection, return: ret };
}

export function parseLsub(lx: Lexer): CommandBody {
  lx.sp();
  const reference = readMailbox(lx);
  lx.sp();
  const pattern = readListMailbox(lx);
  lx.expectEnd();
  return { name: 'LSUB', reference, pattern };
}

export function parseStatus(lx: Lexer): CommandBody {
  lx.sp();
  const mailbox = readMailbox(lx);
  lx.sp();
  const items = readStatusItems(lx);
  lx.expectEnd();
  return { name: 'STATUS', mailbox, items };
}

/** append-data = literal / literal8 / "UTF8" SP "(" literal8 ")" (RFC 3516 §4.4, RFC 6855 §4). */
function readAppendMessage(lx: Lexer): AppendMessage {
  let flags: string[] | null = null;
  let date: Date | null = null;
  if (lx.peek() === 0x28) {
    flags = readFlagList(lx);
    lx.sp();
  }
  if (lx.peek() === 0x22) {
    date = readDateTime(lx);
    lx.sp();
  }
  if (lx.peek() === LITERAL) {
    const slot = lx.literalSlot(true);
    return { flags, date, data: slot.value, binary: slot.binary, utf8: false };
  }
  lx.expectKeyword('UTF8');
  lx.sp();
  lx.open();
  const slot = lx.literalSlot(true);
  // RFC 6855 §4: the UTF8 data item carries a literal8.
  if (!slot.binary) lx.fail('UTF8 append data must be a literal8');
  lx.close();
  return { flags, date, data: slot.value, binary: true, utf8: true };
}

/** append = "APPEND" SP mailbox 1*append-message (RFC 3502 §6). */
export function parseAppend(lx: Lexer): CommandBody {
  lx.sp();
  const mailbox = readMailbox(lx);
  const messages: AppendMessage[] = [];
  do {
    lx.sp();
    messages.push(readAppendMessage(lx));
  } while (!lx.atEnd());
  return { name: 'APPEND', mailbox, messages };
}

export function parseSetQuota(lx: Lexer): CommandBody {
  lx.sp();
  const root = lx.astringText();
  lx.sp();
  lx.open();
  const limits: Array<{ resource: string; limit: bigint }> = [];
  while (lx.peek() !== 0x29) {
    if (limits.length > 0) lx.sp();
    const resource = lx.keyword();
    lx.sp();
    limits.push({ resource, limit: lx.number64() });
  }
  lx.close();
  lx.expectEnd();
  return { name: 'SETQUOTA', root, limits };
}

/** setacl = "SETACL" SP mailbox SP identifier SP mod-rights; mod-rights = astring ["+"/"-"] rights (RFC 4314 §4). */
export function parseSetAcl(lx: Lexer): CommandBody {
  lx.sp();
  const mailbox = readMailbox(lx);
  lx.sp();
  const identifier = lx.astringText();
  lx.sp();
  let rights = lx.astringText();
  let mode: 'set' | 'add' | 'remove' = 'set';
  if (rights.startsWith('+') || rights.startsWith('-')) {
    mode = rights[0] === '+' ? 'add' : 'remove';
    rights = rights.slice(1);
  }
  if (!/^[a-z0-9]*$/.test(rights)) lx.fail('Invalid rights');
  lx.expectEnd();
  return { name: 'SETACL', mailbox, identifier, mode, rights };
}

export function parseMailboxIdentifier(lx: Lexer, name: 'DELETEACL' | 'LISTRIGHTS'): CommandBody {
  lx.sp();
  const mailbox = readMailbox(lx);
  lx.sp();
  const identifier = lx.astringText();
  lx.expectEnd();
  return { name, mailbox, identifier };
}
