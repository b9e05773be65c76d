// Typed IMAP commands produced by the parser (parse-command.ts). The shapes
// follow the formal syntax of RFC 9051 §9 and RFC 3501 §9 plus the extension
// RFCs cited on each member; the session layer dispatches on `name`.

/** A message number or UID; '*' is the largest number in use (RFC 9051 §9 seq-number). */
export type SeqNumber = number | '*';

export interface SeqRange { from: SeqNumber; to: SeqNumber }

/**
 * RFC 9051 §9 sequence-set, ranges kept in the order and direction the client
 * wrote them ("4:2" is the same as "2:4"); `saved` is set when the SEARCHRES
 * "$" (RFC 5182 §2.1) appears, alone or as one element of the set.
 */
export interface SequenceSet { ranges: SeqRange[]; saved: boolean }

/** A literal's content: inline bytes, or a literal the reader streamed to the session (command-reader.ts). */
export type LiteralValue = Buffer | StreamedLiteral;

/** Placeholder for an APPEND literal delivered as literal-start/literal-data/literal-end events. */
export interface StreamedLiteral {
  kind: 'streamed';
  /** Index of the literal within the command, matching the `index` of its literal-start event. */
  index: number;
  size: number;
  /** literal8 "~{N}" (RFC 3516 §4.4). */
  binary: boolean;
}

/** RFC 9051 §6.4.4 and RFC 3501 §6.4.4 search keys, with extensions cited per member. */
export type SearchKey =
  | { key: 'ALL' | 'ANSWERED' | 'DELETED' | 'DRAFT' | 'FLAGGED' | 'NEW' | 'OLD' | 'RECENT' | 'SEEN'
      | 'UNANSWERED' | 'UNDELETED' | 'UNDRAFT' | 'UNFLAGGED' | 'UNSEEN' | 'SAVEDATESUPPORTED' }
  | { key: 'KEYWORD' | 'UNKEYWORD'; flag: string }
  | { key: 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO'; value: string }
  | { key: 'HEADER'; field: string; value: string }
  /** Dates as "YYYY-MM-DD" (no time zone: RFC 9051 §6.4.4 compares dates only). SAVED* are RFC 8514. */
  | { key: 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE' | 'SAVEDBEFORE' | 'SAVEDON' | 'SAVEDSINCE'; date: string }
  | { key: 'LARGER' | 'SMALLER'; size: number }
  | { key: 'UID' | 'SEQUENCE'; set: SequenceSet }
  | { key: 'NOT' | 'FUZZY'; criterion: SearchKey }
  | { key: 'OR'; left: SearchKey; right: SearchKey }
  /** A parenthesised group: all criteria must match. */
  | { key: 'AND'; criteria: SearchKey[] }
  /** RFC 7162 §3.1.5; `entry` is the optional metadata item name and type. */
  | { key: 'MODSEQ'; modseq: bigint; entry: { name: string; type: 'priv' | 'shared' | 'all' } | null }
  /** RFC 5032 WITHIN. */
  | { key: 'OLDER' | 'YOUNGER'; seconds: number }
  /** RFC 8474 §5. */
  | { key: 'EMAILID' | 'THREADID'; id: string };

/** RFC 4731 §3.1 search-return-opt, RFC 5182 SAVE. */
export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';

/** RFC 9051 §6.4.5 section-spec. */
export interface Section {
  /** Part numbers ("1.2" → [1, 2]); empty for the whole message. */
  part: number[];
  text: null | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Header field names for HEADER.FIELDS(.NOT), upper-cased. */
  fields: string[];
}

export interface Partial { offset: number; length: number }

export type FetchItem =
  | { item: 'ENVELOPE' | 'FLAGS' | 'INTERNALDATE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' | 'RFC822.SIZE'
      | 'BODY' | 'BODYSTRUCTURE' | 'UID' | 'MODSEQ' | 'EMAILID' | 'THREADID' | 'SAVEDATE' }
  /** BODY[section]<partial> and BODY.PEEK (RFC 9051 §6.4.5). */
  | { item: 'BODY[]'; peek: boolean; section: Section; partial: Partial | null }
  /** RFC 3516 §4.2 / RFC 9051 §6.4.5 BINARY[part]<partial>, BINARY.PEEK. */
  | { item: 'BINARY'; peek: boolean; part: number[]; partial: Partial | null }
  | { item: 'BINARY.SIZE'; part: number[] };

export type StatusItem = 'MESSAGES' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'DELETED' | 'SIZE' | 'RECENT'
  | 'HIGHESTMODSEQ' | 'APPENDLIMIT' | 'MAILBOXID';

/** RFC 5256 §3 sort keys, RFC 5957 DISPLAYFROM/DISPLAYTO. */
export interface SortCriterion {
  reverse: boolean;
  key: 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';
}

/** RFC 7162 §3.2.5 QRESYNC select parameter. */
export interface QresyncParams {
  uidValidity: number;
  modseq: bigint;
  knownUids: SequenceSet | null;
  seqMatch: { seqs: SequenceSet; uids: SequenceSet } | null;
}

/** RFC 3502 append-message, RFC 3516 literal8, RFC 6855 §4 UTF8 (literal8). */
export interface AppendMessage {
  flags: string[] | null;
  date: Date | null;
  data: LiteralValue;
  binary: boolean;
  utf8: boolean;
}

/** RFC 5258 §3 LIST-EXTENDED return options; RFC 5819 STATUS, RFC 6154 SPECIAL-USE. */
export interface ListReturn {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  status: StatusItem[] | null;
}

type Simple<N extends string> = { name: N };

export type CommandBody =
  | Simple<'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'NAMESPACE' | 'IDLE' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'EXPUNGE'>
  /** RFC 4959 SASL-IR: `initialResponse` is the decoded bytes, empty for "=". */
  | { name: 'AUTHENTICATE'; mechanism: string; initialResponse: Buffer | null }
  | { name: 'LOGIN'; username: string; password: string }
  /** RFC 5161. */
  | { name: 'ENABLE'; capabilities: string[] }
  | { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync: QresyncParams | null }
  /** RFC 6154 §3 USE attributes. */
  | { name: 'CREATE'; mailbox: string; specialUse: string[] }
  | { name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT' | 'GETACL' | 'MYRIGHTS'; mailbox: string }
  | { name: 'RENAME'; from: string; to: string }
  | { name: 'LIST'; reference: string; patterns: string[]; selection: string[]; return: ListReturn }
  | { name: 'LSUB'; reference: string; pattern: string }
  | { name: 'STATUS'; mailbox: string; items: StatusItem[] }
  | { name: 'APPEND'; mailbox: string; messages: AppendMessage[] }
  | { name: 'UID EXPUNGE'; uids: SequenceSet }
  | { name: 'SEARCH'; uid: boolean; charset: string | null; criteria: SearchKey[]; return: SearchReturnOption[] | null }
  | { name: 'FETCH'; uid: boolean; sequence: SequenceSet; items: FetchItem[]; changedSince: bigint | null; vanished: boolean }
  | { name: 'STORE'; uid: boolean; sequence: SequenceSet; unchangedSince: bigint | null;
      operation: 'set' | 'add' | 'remove'; silent: boolean; flags: string[] }
  | { name: 'COPY' | 'MOVE'; uid: boolean; sequence: SequenceSet; mailbox: string }
  /** RFC 5256 §3, RFC 5267 ESORT RETURN. */
  | { name: 'SORT'; uid: boolean; criteria: SortCriterion[]; charset: string; search: SearchKey[]; return: SearchReturnOption[] | null }
  | { name: 'THREAD'; uid: boolean; algorithm: string; charset: string; search: SearchKey[] }
  /** RFC 9208. */
  | { name: 'GETQUOTA'; root: string }
  | { name: 'SETQUOTA'; root: string; limits: Array<{ resource: string; limit: bigint }> }
  /** RFC 4314 §3. */
  | { name: 'SETACL'; mailbox: string; identifier: string; mode: 'set' | 'add' | 'remove'; rights: string }
  | { name: 'DELETEACL' | 'LISTRIGHTS'; mailbox: string; identifier: string }
  /** RFC 2971: null for "ID NIL". */
  | { name: 'ID'; params: Array<[string, string | null]> | null }
  /** RFC 4978. */
  | { name: 'COMPRESS'; mechanism: string };

export type Command = CommandBody & { tag: string };
export type CommandName = CommandBody['name'];

/** Parser and reader failures; each maps to a tagged BAD (or untagged when no tag was read). */
export type WireErrorCode =
  | 'syntax' | 'unknown-command' | 'invalid-tag' | 'line-too-long' | 'literal-too-large' | 'command-too-large'
  | 'too-many-arguments' | 'nesting-too-deep' | 'invalid-sequence-set' | 'invalid-mailbox-name'
  | 'invalid-date' | 'number-out-of-range' | 'eight-bit-not-allowed' | 'invalid-base64' | 'internal';

export interface WireError {
  code: WireErrorCode;
  /** The command tag when it could be read, so the session can answer with a tagged BAD. */
  tag: string | null;
  /** The upper-cased command name when it could be read. */
  command: string | null;
  message: string;
}

export interface ParseOptions {
  /** UTF8=ACCEPT enabled (RFC 6855 §3) or IMAP4rev2 (RFC 9051 §9 QUOTED-CHAR): UTF-8 in quoted strings and mailbox names. */
  utf8: boolean;
  maxArguments: number;
  maxDepth: number;
}
