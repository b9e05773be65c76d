// The envelope sender of a corpus message as an MTA would have seen it: the
// Return-Path, else the From address (the corpus files are stored messages).
export function envelopeSender(raw: Buffer): string {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const m = /^Return-Path:\s*<([^>]*)>/im.exec(head) ?? /^From:[^\n]*?<([^>\s]+@[^>\s]+)>/im.exec(head) ?? /^From:\s*([^\s<>]+@[^\s<>]+)/im.exec(head);
  return m ? m[1] : '';
}
