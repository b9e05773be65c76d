// A PST message (pst-extractor's PSTMessage) as an Outlook message for the
// MIME composer: addresses (SMTP ones preferred over Exchange's legacy DNs),
// dates, the original transport headers, bodies, and attachments read from
// the PST block by block as the MIME is written (never whole in memory);
// attached messages recursively. Also the IMAP flags the message had.
import { Readable } from 'node:stream';
import type { PSTAttachment, PSTMessage } from 'pst-extractor';
import { keywordOf } from '../../engine/keywords.ts';
import type { Address, OutlookAttachment, OutlookMessage } from '../../mapi/outlook-message.ts';

/** Protected getters of pst-extractor's objects, for properties it has no named getter for. */
interface Raw {
  getIntItem(id: number, fallback?: number): number;
  getStringItem(id: number): string;
}

const raw = (o: unknown) => o as Raw;
const MAX_EMBED_DEPTH = 5;

// MS-OXPROPS: PR_SENDER_SMTP_ADDRESS, PR_SENT_REPRESENTING_SMTP_ADDRESS, PR_FLAG_STATUS.
const PR_SENDER_SMTP_ADDRESS = 0x5d01;
const PR_SENT_REPRESENTING_SMTP_ADDRESS = 0x5d02;
const PR_FLAG_STATUS = 0x1090;

const smtp = (address: string | null | undefined, type: string | null | undefined) => (address && (type ?? 'SMTP').toUpperCase() === 'SMTP' && address.includes('@') ? address : null);

function sender(msg: PSTMessage): Address {
  const r = raw(msg);
  const address = smtp(r.getStringItem(PR_SENT_REPRESENTING_SMTP_ADDRESS), 'SMTP') ?? smtp(msg.sentRepresentingEmailAddress, msg.sentRepresentingAddressType)
    ?? smtp(r.getStringItem(PR_SENDER_SMTP_ADDRESS), 'SMTP') ?? smtp(msg.senderEmailAddress, msg.senderAddrtype);
  return { name: msg.sentRepresentingName || msg.senderName || null, address };
}

/** Reads a PST node stream in 64 KiB pieces: the attachment is never held whole. */
function attachmentStream(att: PSTAttachment): () => Readable {
  return () => {
    const input = att.fileInputStream;
    return Readable.from((function* () {
      if (!input) return;
      for (;;) {
        const buf = Buffer.alloc(64 * 1024);
        const n = input.read(buf);
        if (n <= 0) return;
        yield n === buf.length ? buf : buf.subarray(0, n);
      }
    })());
  };
}

/** Plain text out of an RTF body, for messages that have no other (MS-OXRTFCP decompressed by pst-extractor). */
export function rtfToText(rtf: string): string {
  return rtf
    .replace(/\\par[d]?/g, '\n')
    .replace(/\{\\\*[^{}]*\}/g, '')
    .replace(/\\'([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\[a-z]+-?\d* ?/gi, '')
    .replace(/[{}]/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function pstToOutlookMessage(msg: PSTMessage, depth = 0): OutlookMessage {
  const to: Address[] = [];
  const cc: Address[] = [];
  const bcc: Address[] = [];
  for (let i = 0; i < msg.numberOfRecipients; i++) {
    const r = msg.getRecipient(i);
    if (!r) continue;
    const a = { name: r.displayName || null, address: smtp(r.smtpAddress, 'SMTP') ?? smtp(r.emailAddress, r.addrType) };
    (r.recipientType === 3 ? bcc : r.recipientType === 2 ? cc : to).push(a);
  }
  const html = msg.bodyHTML || null;
  const attachments: OutlookAttachment[] = [];
  for (let i = 0; i < msg.numberOfAttachments; i++) {
    const att = msg.getAttachment(i);
    const filename = att.longFilename || att.filename || att.displayName || `attachment-${i + 1}`;
    const contentId = att.contentId || null;
    // MS-OXCMSG §2.2.2.9 PidTagAttachMethod: 5 an attached message; 2 and 4 are links to files elsewhere.
    if (att.attachMethod === 5 && depth < MAX_EMBED_DEPTH) {
      const embedded = att.embeddedPSTMessage;
      if (embedded) {
        attachments.push({ filename, mimeType: 'message/rfc822', contentId: null, inline: false, data: null, size: 0, embedded: pstToOutlookMessage(embedded, depth + 1) });
        continue;
      }
    }
    if (att.attachMethod === 2 || att.attachMethod === 4) continue;
    attachments.push({
      filename, mimeType: att.mimeTag || null, contentId,
      inline: contentId !== null && html !== null && html.includes(`cid:${contentId}`),
      data: attachmentStream(att), size: att.filesize || att.size,
    });
  }
  let text = msg.body || null;
  if (!text && !html && msg.bodyRTF) text = rtfToText(msg.bodyRTF);
  return {
    messageClass: msg.messageClass || 'IPM.Note',
    subject: msg.subject ?? '',
    from: sender(msg),
    to, cc, bcc,
    date: msg.clientSubmitTime ?? msg.messageDeliveryTime ?? null,
    messageId: msg.internetMessageId || null,
    inReplyTo: msg.inReplyToId || null,
    transportHeaders: msg.transportMessageHeaders || null,
    bodyText: text, bodyHtml: html,
    importance: Number.isInteger(msg.importance) ? msg.importance : null,
    attachments,
  };
}

/** IMAP flags and keywords of a PST message. */
export function pstFlags(msg: PSTMessage): { flags: string[]; keywords: string[] } {
  const flags: string[] = [];
  const keywords: string[] = [];
  if (msg.isRead) flags.push('\\Seen');
  if (msg.isUnsent && msg.messageClass?.startsWith('IPM.Note')) flags.push('\\Draft');
  // MS-OXOFLAG §2.2.1.1 PidTagFlagStatus: 2 = followupFlagged.
  if (raw(msg).getIntItem(PR_FLAG_STATUS, 0) === 2) flags.push('\\Flagged');
  if (msg.lastVerbExecuted === 102 || msg.lastVerbExecuted === 103) flags.push('\\Answered');
  if (msg.lastVerbExecuted === 104) keywords.push('$Forwarded');
  for (const c of msg.colorCategories ?? []) {
    const k = keywordOf(c);
    if (k) keywords.push(k);
  }
  return { flags, keywords };
}
