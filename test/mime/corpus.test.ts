// Every message of the shared corpus: indexed without throwing, offsets
// inside the buffer and properly nested, section numbers unique and
// resolvable, multipart leaves free of their boundary lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Buffer } from 'node:buffer';
import { indexMessage, walkParts, findPart, headerFields } from '../../server/src/mail/mime/index.ts';
import type { MessageIndex, MimePart } from '../../server/src/mail/mime/index.ts';

import { CORPUS } from '../support/corpus.ts';

function emlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.eml'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const files = emlFiles(CORPUS);

/** Body lines of a part, for checking that no boundary line is inside a leaf. */
function lines(body: Buffer): string[] {
  return body.toString('latin1').split(/\r\n|\n|\r/).map((l) => l.replace(/[ \t]+$/, ''));
}

function checkMessage(raw: Buffer, index: MessageIndex): void {
  const bounds = new Map<MimePart, [number, number]>([[index.root, [0, raw.length]]]);
  const sections = new Set<string>();
  for (const { part, messageRoot } of walkParts(index.root)) {
    const [start, end] = bounds.get(part) as [number, number];
    const where = `section "${part.section}"`;
    assert.ok(start <= part.headerStart && part.headerStart <= part.bodyStart, `${where}: header range`);
    assert.ok(part.bodyStart <= part.bodyEnd && part.bodyEnd <= end && end <= raw.length, `${where}: body range`);
    assert.equal(part.size, part.bodyEnd - part.bodyStart, `${where}: size`);
    assert.doesNotThrow(() => headerFields(raw.subarray(part.headerStart, part.bodyStart)));

    // A multipart root of an encapsulated message is addressed through the
    // message/rfc822 part that holds it and shares its number.
    const sharesNumber = messageRoot && part !== index.root && part.contentType.type === 'multipart';
    if (!sharesNumber && part !== index.root) {
      assert.ok(!sections.has(part.section), `${where}: duplicate section number`);
      sections.add(part.section);
      assert.equal(findPart(index.root, part.section), part, `${where}: findPart`);
    }

    const boundary = part.contentType.type === 'multipart' ? part.contentType.params.boundary : undefined;
    let previousEnd = part.bodyStart;
    for (const child of part.children) {
      bounds.set(child, [part.bodyStart, part.bodyEnd]);
      assert.ok(child.headerStart >= previousEnd, `section "${child.section}": siblings overlap`);
      previousEnd = child.bodyEnd;
      if (boundary !== undefined && child.children.length === 0 && child.message === null) {
        // RFC 2046 §5.1.1: neither the boundary line nor the line break
        // before it belongs to the body part.
        const body = raw.subarray(child.bodyStart, child.bodyEnd);
        for (const line of lines(body)) {
          assert.ok(line !== `--${boundary}` && line !== `--${boundary}--`, `section "${child.section}": boundary inside body`);
        }
        const after = raw.subarray(child.bodyEnd, child.bodyEnd + 3).toString('latin1');
        assert.ok(
          child.bodyEnd === part.bodyEnd || child.bodyEnd === child.bodyStart || /^(\r\n|\n|\r)-/.test(after) || after.startsWith('--'),
          `section "${child.section}": body ends ${JSON.stringify(after)}, not before a boundary`,
        );
      }
    }
    if (part.message !== null) bounds.set(part.message.root, [part.bodyStart, part.bodyEnd]);
    if (part.message !== null) {
      assert.equal(part.message.root.headerStart, part.bodyStart, `${where}: encapsulated message starts the body`);
      assert.equal(part.message.root.bodyEnd, part.bodyEnd, `${where}: encapsulated message ends with the body`);
    }
  }
}

test(`the whole corpus (${files.length} messages) indexes with sane offsets`, () => {
  assert.ok(files.length >= 390);
  let parts = 0;
  let warnings = 0;
  let searchBytes = 0;
  const started = performance.now();
  for (const file of files) {
    const raw = readFileSync(file);
    const index = indexMessage(raw);
    parts += [...walkParts(index.root)].length;
    warnings += index.warnings.length;
    searchBytes += Buffer.byteLength(index.searchText);
    const name = relative(CORPUS, file);
    assert.equal(index.size, raw.length, name);
    assert.ok(!index.warnings.some((w) => w.startsWith('MIME structure not indexed')), `${name}: ${index.warnings.join('; ')}`);
    try {
      checkMessage(raw, index);
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
    }
  }
  const ms = performance.now() - started;
  console.log(`corpus: ${files.length} messages, ${parts} parts, ${warnings} warnings, ${(searchBytes / 1e6).toFixed(1)} MB search text, indexed and checked in ${ms.toFixed(0)} ms`);
});

test('indexing the corpus (timing only)', () => {
  const raws = files.map((f) => readFileSync(f));
  const bytes = raws.reduce((n, r) => n + r.length, 0);
  const started = performance.now();
  for (const raw of raws) indexMessage(raw);
  const ms = performance.now() - started;
  console.log(`corpus: ${raws.length} messages, ${(bytes / 1e6).toFixed(1)} MB indexed in ${ms.toFixed(0)} ms (${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s)`);
});
