// An Outlook message as MAPI stores it (PST files, EWS full-fidelity
// exports), reduced to what becomes MIME: addresses, dates, the original
// transport headers when the message was received, text and HTML bodies,
// attachments (possibly attached messages). Filled by pst/pst-message.ts and
// ews/fts-mime.ts; written as RFC 5322/MIME by mime-composer.ts.
import type { Readable } from 'node:stream';

export interface Address {
  name: string | null;
  address: string | null;
}

export interface OutlookAttachment {
  filename: string;
  mimeType: string | null;
  /** Content-ID for inline images referenced by the HTML body (cid:). */
  contentId: string | null;
  inline: boolean;
  /** Bytes, or a stream factory for large ones (a PST attachment is read block by block). */
  data: Buffer | (() => Readable) | null;
  size: number;
  /** PR_ATTACH_METHOD 5 (ATTACH_EMBEDDED_MSG): an attached message. */
  embedded?: OutlookMessage;
}

export interface OutlookMessage {
  messageClass: string;
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  /** Sent time (PR_CLIENT_SUBMIT_TIME), else received (PR_MESSAGE_DELIVERY_TIME). */
  date: Date | null;
  messageId: string | null;
  inReplyTo: string | null;
  /** PR_TRANSPORT_MESSAGE_HEADERS: the headers the message arrived with (received mail only). */
  transportHeaders: string | null;
  bodyText: string | null;
  bodyHtml: string | null;
  /** PR_IMPORTANCE: 0 low, 1 normal, 2 high. */
  importance: number | null;
  attachments: OutlookAttachment[];
}
