// The MIME index: public surface used by delivery, APPEND and IMAP FETCH.
export { indexMessage, type IndexOptions } from './index-message.ts';
export { findPart, sectionRange, type SectionText, type ByteRange } from './find-part.ts';
export { headerFields, unfoldValue, type HeaderField } from './header-fields.ts';
export { decodeBody, decodePart, type DecodedBody } from './decode-body.ts';
export { walkParts, type WalkedPart } from './part-walk.ts';
export type * from './types.ts';
