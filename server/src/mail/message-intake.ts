// Turning incoming bytes into a stored, indexed body: the blob is written and
// fsynced first (streamed to disk when it arrives as a stream), then parsed
// once (DESIGN.md "parse MIME once"). Nothing references it yet: the caller
// takes the references in the transaction that stores the copies, and a body
// whose transaction never commits is collected by blob gc.
import { Readable } from 'node:stream';
import { StoaError } from '../errors/catalogue.ts';
import { indexMessage } from './mime/index.ts';
import type { MessageIndex } from './mime/types.ts';
import type { BlobStore } from '../store/port.ts';
import { encodeFlags } from '../store/mail-flags.ts';

export interface IntakeResult { blobId: string; index: MessageIndex }

export async function takeIn(blobs: BlobStore, source: Buffer | Readable): Promise<IntakeResult> {
  const info = await blobs.put(source);
  if (info.size === 0) throw new StoaError('STOA_VALIDATION', 'empty message');
  // A buffer is indexed as is; a stream was never held in memory, so read it back.
  const raw = source instanceof Readable ? await blobs.read(info.id) : Buffer.from(source);
  return { blobId: info.id, index: indexMessage(raw) };
}

/** Fails fast on bad flags or dates, before any byte is written. */
export function checkAppendArgs(flags: readonly string[] | undefined, internalDate: string | undefined): void {
  encodeFlags(flags ?? []);
  if (internalDate !== undefined && Number.isNaN(Date.parse(internalDate))) {
    throw new StoaError('STOA_VALIDATION', `not a valid internal date: ${internalDate}`);
  }
}
