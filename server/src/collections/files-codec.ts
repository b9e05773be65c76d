// The plain WebDAV file area (a user's folders, RFC 4918): any content,
// stored as a small JSON envelope (media type, base64 body, dead properties
// by Clark name) so files go through the same store, quota and rights as
// calendar objects. The object's UID is its name, unique in its folder.
import { StoaError } from '../errors/catalogue.ts';
import { TIME_MAX } from '../model/dav.ts';
import type { ObjectCodec } from './api.ts';

export interface FileEnvelope {
  /** Media type as the client sent it. */
  type: string;
  /** The body, base64. */
  body: string;
  /** Dead properties: Clark name → serialized XML element. */
  props: Record<string, string>;
}

export function encodeFile(file: FileEnvelope): string {
  return JSON.stringify(file);
}

export function decodeFile(data: string): FileEnvelope {
  const parsed = JSON.parse(data) as Partial<FileEnvelope>;
  if (typeof parsed.type !== 'string' || typeof parsed.body !== 'string' || typeof parsed.props !== 'object' || parsed.props === null) {
    throw new StoaError('STOA_VALIDATION', 'not a file envelope');
  }
  return { type: parsed.type, body: parsed.body, props: parsed.props };
}

export function createFilesCodec(limits: { maxBytes: number }): ObjectCodec {
  return {
    validate(text, _collection, name) {
      try {
        decodeFile(text);
      } catch {
        throw new StoaError('STOA_VALIDATION', 'not a file envelope');
      }
      if (Buffer.byteLength(text) > limits.maxBytes * 1.4 + 64 * 1024) throw new StoaError('STOA_DAV_TOO_LARGE', `more than ${limits.maxBytes} bytes`);
      return { uid: name, component: 'FILE', startMs: TIME_MAX, endMs: TIME_MAX, recurring: false, data: text, scheduleTag: null };
    },
    defaults: [],
  };
}
