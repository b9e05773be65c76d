// Typed IMAP responses the serializer writes (RFC 9051 §7 and extensions).
import type { Section, SequenceSet } from './command-types.ts';
import type { BodyStructure, EnvelopeInput } from './body-structure.ts';

/** A byte source streamed as a literal: `size` must equal the bytes the stream yields. */
export interface StreamSource { size: number; stream: AsyncIterable<Buffer> }

/** Serializer output: bytes, or a stream to copy through unbuffered. */
export type WireChunk = Buffer | StreamSource;

/** Body data of FETCH: bytes, a streamed byte range of the blob, or NIL. */
export type BodyValue = Buffer | StreamSource | null;

/** RFC 9051 §7.1 resp-text-code, plus RFC 4315, 7162, 5530, 8474, 7889, 4978, 6154. */
export type ResponseCode =
  | { code: 'ALERT' | 'PARSE' | 'READ-ONLY' | 'READ-WRITE' | 'TRYCREATE' | 'UIDNOTSTICKY' | 'NOMODSEQ' | 'CLOSED'
      | 'AUTHENTICATIONFAILED' | 'AUTHORIZATIONFAILED' | 'EXPIRED' | 'PRIVACYREQUIRED' | 'NONEXISTENT' | 'ALREADYEXISTS'
      | 'NOPERM' | 'INUSE' | 'OVERQUOTA' | 'LIMIT' | 'CANNOT' | 'SERVERBUG' | 'CLIENTBUG' | 'UNAVAILABLE' | 'CORRUPTION'
      | 'EXPUNGEISSUED' | 'CONTACTADMIN' | 'NOTSAVED' | 'HASCHILDREN' | 'TOOBIG' | 'UNKNOWN-CTE' | 'COMPRESSIONACTIVE'
      | 'USEATTR' }
  | { code: 'BADCHARSET'; charsets?: string[] }
  | { code: 'CAPABILITY'; capabilities: string[] }
  | { code: 'PERMANENTFLAGS'; flags: string[] }
  | { code: 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN'; value: number }
  | { code: 'HIGHESTMODSEQ'; value: bigint }
  /** RFC 4315 §3: uids in the order of the appended messages. */
  | { code: 'APPENDUID'; uidValidity: number; uids: number[] }
  /** RFC 4315 §3: source and destination UIDs pair up by position. */
  | { code: 'COPYUID'; uidValidity: number; source: number[]; destination: number[] }
  /** RFC 7162 §3.1.3. */
  | { code: 'MODIFIED'; set: SequenceSet | number[] }
  /** RFC 8474 §4.1. */
  | { code: 'MAILBOXID'; id: string };

export type FetchResponseItem =
  | { item: 'UID'; uid: number }
  | { item: 'FLAGS'; flags: string[] }
  | { item: 'INTERNALDATE'; date: Date }
  | { item: 'RFC822.SIZE'; size: number }
  | { item: 'MODSEQ'; modseq: bigint }
  | { item: 'EMAILID' | 'THREADID'; id: string | null }
  /** RFC 8514: NIL when the server does not know. */
  | { item: 'SAVEDATE'; date: Date | null }
  | { item: 'ENVELOPE'; envelope: EnvelopeInput }
  | { item: 'BODY' | 'BODYSTRUCTURE'; structure: BodyStructure }
  /** BODY[section]<origin>: `origin` is the partial's start octet when a partial was asked. */
  | { item: 'BODY[]'; section: Section; origin: number | null; value: BodyValue }
  /** RFC 3516 §4.2: literal8 when the data holds NUL (set `binary` for a stream that may). */
  | { item: 'BINARY'; part: number[]; origin: number | null; value: BodyValue; binary?: boolean }
  | { item: 'BINARY.SIZE'; part: number[]; size: number }
  | { item: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT'; value: BodyValue };

export interface ListExtended {
  /** RFC 5258 §3.5 CHILDINFO. */
  childInfo?: string[];
  /** RFC 9051 §7.3.1 OLDNAME (decoded name). */
  oldName?: string;
}

export interface NamespaceDescriptor { prefix: string; delimiter: string | null }

/** RFC 5256 thread tree; `id` null for a missing parent that only groups its children. */
export interface ThreadNode { id: number | null; children: ThreadNode[] }

export type Response =
  | { kind: 'tagged'; tag: string; status: 'OK' | 'NO' | 'BAD'; code?: ResponseCode; text: string }
  | { kind: 'untagged'; status: 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE'; code?: ResponseCode; text: string }
  /** "+" SP (resp-text / base64): `base64` for SASL challenges (RFC 9051 §7.5). */
  | { kind: 'continuation'; text?: string; base64?: Buffer }
  | { kind: 'capability' | 'enabled'; capabilities: string[] }
  | { kind: 'exists' | 'recent'; count: number }
  | { kind: 'expunge'; seq: number }
  /** RFC 7162 §3.2.10. */
  | { kind: 'vanished'; earlier: boolean; uids: number[] }
  /** The same as ascending, disjoint UID ranges (a QRESYNC answer may cover 100k UIDs in a few ranges). */
  | { kind: 'vanished'; earlier: boolean; ranges: readonly (readonly [number, number])[] }
  | { kind: 'flags'; flags: string[] }
  | { kind: 'list' | 'lsub'; attributes: string[]; delimiter: string | null; mailbox: string; extended?: ListExtended }
  | { kind: 'status'; mailbox: string; items: Array<{ name: string; value: number | bigint | string }> }
  /** RFC 7162 §3.1.5: MODSEQ appended when the search used MODSEQ. */
  | { kind: 'search' | 'sort'; ids: number[]; modseq?: bigint }
  /** RFC 4731 §3.2 (and RFC 5267 for SORT). */
  | { kind: 'esearch'; tag?: string; uid: boolean; min?: number; max?: number; all?: number[]; count?: number; modseq?: bigint }
  | { kind: 'thread'; threads: ThreadNode[] }
  | { kind: 'fetch'; seq: number; items: FetchResponseItem[] }
  | { kind: 'namespace'; personal: NamespaceDescriptor[] | null; other: NamespaceDescriptor[] | null; shared: NamespaceDescriptor[] | null }
  /** RFC 9208 §5.1, §5.2. */
  | { kind: 'quota'; root: string; resources: Array<{ name: string; usage: bigint | number; limit: bigint | number }> }
  | { kind: 'quotaroot'; mailbox: string; roots: string[] }
  /** RFC 4314 §3.6–3.8. */
  | { kind: 'acl'; mailbox: string; entries: Array<{ identifier: string; rights: string }> }
  | { kind: 'listrights'; mailbox: string; identifier: string; required: string; optional: string[] }
  | { kind: 'myrights'; mailbox: string; rights: string }
  /** RFC 2971. */
  | { kind: 'id'; params: Array<[string, string | null]> | null };

export interface SerializeOptions {
  /** UTF8=ACCEPT / IMAP4rev2: mailbox names as UTF-8 and 8-bit quoted strings (RFC 6855 §3). */
  utf8: boolean;
}
