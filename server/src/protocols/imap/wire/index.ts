// Public surface of the IMAP wire layer: the session imports from here.
export type * from './command-types.ts';
export type * from './response-types.ts';
export type { BodyStructure, BodyExtension, EnvelopeInput, EnvelopeAddressInput, MimePartInput, MultipartStructure, SinglePartStructure } from './body-structure.ts';
export { CommandReader, DEFAULT_READER_OPTIONS, isIdleDone, parseAuthenticateLine } from './command-reader.ts';
export type { ReaderEvent, ReaderOptions } from './command-reader.ts';
export { parseCommand, DEFAULT_PARSE_OPTIONS, decodeBase64Strict } from './parse-command.ts';
export type { ParseResult } from './parse-command.ts';
export type { CommandInput, LiteralSlot } from './lexer.ts';
export { bodyStructureFromMimePart } from './body-structure.ts';
export { serializeResponse, serializeResponseToBuffer, responseBytes } from './serialize-response.ts';
export { decodeMutf7, encodeMutf7, decodeMailboxName, encodeMailboxName } from './mutf7.ts';
export { parseSequenceSetText, resolveSequenceSet, formatSequenceSet, formatNumberSet } from './sequence-set.ts';
export { parseDateText, parseDateTimeText, formatDateTime } from './date-time.ts';
