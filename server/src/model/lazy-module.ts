// Packages that one feature needs, loaded at that feature's first use instead
// of when `stoa serve` starts: every module loaded stays in the heap as its
// source text, bytecode and objects, idle memory of a server that may never
// use the feature (issue 8: idle RSS ≤ 150 MiB). test/cli/lazy-modules.test.ts
// checks that a started server has not loaded them.
//
// The package is loaded synchronously (require of its ES module entry), so
// callers stay synchronous, and it is the very module a static `import` would
// give: the entry resolved with the "import" conditions, one instance, shared
// classes for `instanceof`. A package that cannot be loaded throws its
// loader's error at that first use, where the feature's own error handling
// reports it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** `specifier` (a package of this installation) loaded at the first call of the returned function. */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(fileURLToPath(import.meta.resolve(specifier))) as T);
}
