// What the MIME indexer (server/src/mail/mime/) extracts once, at delivery or APPEND (DESIGN.md:
// "parse MIME once"). The store keeps it as JSON beside the message; IMAP
// answers ENVELOPE, BODYSTRUCTURE and BODY[section] from it, reading only the
// byte range of a part from the blob, never re-parsing the whole message.

/** RFC 9051 §7.5.2 address structure; strings are raw header text (not decoded), as IMAP returns them. */
export interface EnvelopeAddress {
  name: string | null;
  /** RFC 3501 §7.4.2 at-domain-list (source route, "@a,@b"), RFC 5322 §4.4 obs-route; usually null. */
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/** RFC 9051 §7.5.2 ENVELOPE, raw header values (null when absent). */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: EnvelopeAddress[] | null;
  sender: EnvelopeAddress[] | null;
  replyTo: EnvelopeAddress[] | null;
  to: EnvelopeAddress[] | null;
  cc: EnvelopeAddress[] | null;
  bcc: EnvelopeAddress[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

export interface ContentType { type: string; subtype: string; params: Record<string, string> }

/** One MIME entity with its byte offsets in the raw message (end offsets exclusive). */
export interface MimePart {
  /** IMAP section number ("" for the top level, "1", "1.2", …), RFC 9051 §6.4.5. */
  section: string;
  headerStart: number;
  /** Offset of the first body byte (just after the blank line ending the header). */
  bodyStart: number;
  bodyEnd: number;
  contentType: ContentType;
  /** Content-Transfer-Encoding, lower case; "7bit" when absent. */
  encoding: string;
  id: string | null;
  description: string | null;
  disposition: { type: string; params: Record<string, string> } | null;
  language: string[] | null;
  location: string | null;
  md5: string | null;
  /** Body size in octets (bodyEnd - bodyStart). */
  size: number;
  /** Body lines, for text/* and message/rfc822 parts (RFC 9051 §7.5.2). */
  lines: number | null;
  /** Children of a multipart. */
  children: MimePart[];
  /** For message/rfc822 (and message/global): the encapsulated message. */
  message: { envelope: Envelope; root: MimePart } | null;
}

/** Decoded header values used for SORT, THREAD, search and display. */
export interface IndexedHeaders {
  /** Date: header as ISO 8601 UTC, or null when missing or unparseable. */
  date: string | null;
  /** Decoded subject (RFC 2047), unfolded. */
  subject: string;
  /** RFC 5256 base subject, for SORT SUBJECT and THREAD ORDEREDSUBJECT. */
  baseSubject: string;
  /** First From address, lower case, and its decoded display name. */
  fromAddress: string;
  fromName: string;
  /** First To / Cc address (lower case), for SORT TO / CC. */
  toAddress: string;
  ccAddress: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
}

export interface MessageIndex {
  size: number;
  /**
   * Octets with every line break sent as CRLF and a final CRLF added when
   * missing: the POP3 size (RFC 1939 §5). Absent in indexes made before it
   * was recorded.
   */
  wireSize?: number;
  root: MimePart;
  envelope: Envelope;
  headers: IndexedHeaders;
  /**
   * Decoded text for the full-text index: the address, subject and list header
   * values (not trace headers such as Received or DKIM-Signature, which SEARCH
   * HEADER reads from the raw header block), text parts with HTML stripped,
   * and attachment file names.
   */
  searchText: string;
  hasAttachments: boolean;
  /** Problems found while parsing (malformed MIME is indexed as well as possible, never rejected). */
  warnings: string[];
}
