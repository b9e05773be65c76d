// A strict reader of RFC 3464 reports for the tests: splits the
// multipart/report by its boundary and parses the delivery-status fields, so a
// malformed DSN fails the test instead of being glossed over.
import assert from 'node:assert/strict';

export interface ParsedDsn {
  reportType: string;
  perMessage: Record<string, string>;
  recipients: Array<Record<string, string>>;
  originalType: string;
  original: string;
  human: string;
}

function fields(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    if (!line) continue;
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    assert.ok(m, `not a header field: ${JSON.stringify(line)}`);
    out[m[1].toLowerCase()] = m[2];
  }
  return out;
}

function splitHead(part: string): [Record<string, string>, string] {
  const end = part.indexOf('\r\n\r\n');
  assert.ok(end >= 0, 'part without a header/body separator');
  return [fields(part.slice(0, end)), part.slice(end + 4)];
}

export function parseDsn(bytes: Buffer): ParsedDsn {
  const text = bytes.toString('utf8');
  const [head] = splitHead(text);
  const ct = head['content-type'];
  assert.match(ct, /^multipart\/report;/);
  const reportType = /report-type=([^;\s]+)/.exec(ct)?.[1] ?? '';
  const boundary = /boundary="([^"]+)"/.exec(ct)?.[1];
  assert.ok(boundary, 'no boundary');
  assert.equal(head['auto-submitted'], 'auto-replied');
  const pieces = text.split(`\r\n--${boundary}`);
  assert.ok(pieces[pieces.length - 1].startsWith('--'), 'no closing delimiter');
  const parts = pieces.slice(1, -1).map((p) => p.replace(/^\r\n/, ''));
  assert.equal(parts.length, 3, 'a DSN has three parts');
  const [humanHead, human] = splitHead(parts[0]);
  assert.match(humanHead['content-type'], /^text\/plain/);
  const [statusHead, statusBody] = splitHead(parts[1]);
  assert.match(statusHead['content-type'], /^message\/(global-)?delivery-status$/);
  const blocks = statusBody.split(/\r\n\r\n/).filter((b) => b.trim() !== '');
  const [perMessage, ...recipients] = blocks.map(fields);
  for (const r of recipients) {
    for (const required of ['final-recipient', 'action', 'status']) assert.ok(r[required], `recipient block without ${required}`);
    assert.match(r.status, /^[245]\.\d{1,3}\.\d{1,3}$/);
  }
  assert.ok(perMessage['reporting-mta'], 'no Reporting-MTA');
  const [origHead, original] = splitHead(parts[2]);
  return { reportType, perMessage, recipients, originalType: origHead['content-type'], original, human };
}
