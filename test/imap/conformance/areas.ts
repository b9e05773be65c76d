// The areas of the conformance suite, in the order the comparison prints them.
import type { ConformanceCase } from './runner.ts';
import { cases as binaryAppend } from './cases/binary-append.ts';
import { cases as condstore } from './cases/condstore-qresync-esearch.ts';
import { cases as flagsKeywords } from './cases/flags-keywords.ts';
import { cases as listLsubExtended } from './cases/list-lsub-extended.ts';
import { cases as moveCopy } from './cases/move-copy.ts';
import { cases as recent } from './cases/recent.ts';
import { cases as search } from './cases/search.ts';
import { cases as sortThread } from './cases/sort-thread.ts';

export const AREAS: ReadonlyArray<{ name: string; cases: readonly ConformanceCase[] }> = [
  { name: 'flags-keywords', cases: flagsKeywords },
  { name: 'recent', cases: recent },
  { name: 'list-lsub-extended', cases: listLsubExtended },
  { name: 'search', cases: search },
  { name: 'sort-thread', cases: sortThread },
  { name: 'condstore-qresync-esearch', cases: condstore },
  { name: 'move-copy', cases: moveCopy },
  { name: 'binary-append', cases: binaryAppend },
];
