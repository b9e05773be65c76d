// The shared mail corpus (../shared/corpus/mail beside the repository, as on
// every developer machine and in CI). STOA_CORPUS overrides the location.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const CORPUS = process.env.STOA_CORPUS ?? join(REPO, '..', 'shared', 'corpus', 'mail');

if (!existsSync(CORPUS)) {
  throw new Error(`mail corpus not found at ${CORPUS}: check out shared/ beside the repository or set STOA_CORPUS`);
}
