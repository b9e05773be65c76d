// ESLint flat config. Besides the recommended rules it enforces the layers of
// docs/architecture.md with no-restricted-imports: imports go only downward
// (protocols → domain services → store), every layer may use the model and
// the foundations, front ends never touch the store (not even its types),
// shared/ stands alone, and wire/ parsers stay free of sockets and storage.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const DOMAIN_MODULES = [
  'directory', 'mail', 'intake', 'calendar', 'contacts', 'collections', 'queue', 'filter', 'sieve', 'events', 'mail-auth', 'tls', 'audit', 'operations', 'system',
  'migration-jobs',
];
/** Foundations under everything: configuration, errors, logging, metrics, and the model's types and pure helpers. */
const FOUNDATIONS = ['config', 'errors', 'log', 'metrics', 'model'];
/** cli/, server/src/main.ts and the composition root (services.ts) start the process; nothing below them may import them. */
const ENTRY_POINTS = ['cli'];

/**
 * A restriction on import specifiers that go through one of `dirs` as a
 * folder ("../protocols/http/server.ts"), not files that merely share the name
 * ("shared/src/schemas/directory.ts").
 */
const folder = (dirs, message) => ({
  regex: dirs.includes('cli') ? `(^|/)(${dirs.join('|')})/|(^|/)(main|services)\\.ts$` : `(^|/)(${dirs.join('|')})/`,
  message,
});

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', '.tmp/**', 'dist/**', 'console/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,js}'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortSignal: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', performance: 'readonly', fetch: 'readonly', structuredClone: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', queueMicrotask: 'readonly',
      },
    },
    rules: {
      // A warning, not an error: a leftover import must not block a commit, but it shows.
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Mail protocols must recognise NUL, CR and other control bytes to reject them.
      'no-control-regex': 'off',
    },
  },
  // Tests poke at untyped JSON responses; `any` there is deliberate.
  {
    files: ['test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The store is the bottom layer: it knows nothing of the services or front ends above it.
  layer(['server/src/store/**'], [
    folder([...DOMAIN_MODULES, 'protocols', ...ENTRY_POINTS], 'store/ is the bottom layer: it must not import domain services, protocols or entry points'),
  ]),
  // Domain services never know which protocol called them.
  layer(DOMAIN_MODULES.map((m) => `server/src/${m}/**`), [
    folder(['protocols', ...ENTRY_POINTS], 'domain services must not import protocol front ends or entry points'),
  ]),
  // audit/ builds the entries of every domain module, so it sits below them all and imports none (this replaces the rule above for it).
  layer(['server/src/audit/**'], [
    folder([...DOMAIN_MODULES.filter((m) => m !== 'audit'), 'protocols', ...ENTRY_POINTS], 'audit/ sits below the other domain modules: it imports only store/ and foundations'),
  ]),
  // Front ends reach data only through the services: not the store, not even its types (those live in model/).
  layer(['server/src/protocols/**'], [
    folder(['store'], 'protocols never import the store: call a service, and take shared types from model/'),
    folder(ENTRY_POINTS, 'protocols must not import entry points'),
  ]),
  // Configuration, errors, logging, metrics and the model sit under everything.
  layer(FOUNDATIONS.map((m) => `server/src/${m}/**`), [
    folder(['store', ...DOMAIN_MODULES, 'protocols', ...ENTRY_POINTS], 'config/, errors/, log/, metrics/ and model/ are foundations: they import nothing above them'),
  ]),
  // Every module lives in a layer: nothing at the top of server/src but the entry points.
  { files: ['server/src/*.ts'], ignores: ['server/src/main.ts', 'server/src/services.ts'], rules: { 'no-restricted-syntax': ['error', { selector: 'Program', message: 'put this module in a layer folder (docs/architecture.md)' }] } },
  // The import tool (migration/, issue 15) is a client of the services like any front end: it never sees the store
  // (not even its types) nor a protocol front end; its engine, sources and sinks reach Stoa only through the ImportSink.
  layer(['migration/**'], [
    folder(['store'], 'migration/ uses the services (services.migrations.importer, the directory), never the store'),
    folder(['protocols'], 'migration/ calls services, not protocol front ends'),
  ]),
  // Shared schemas are used by the console too: no server code may leak into them.
  layer(['shared/**'], [
    folder(['server'], 'shared/ is used by the console: it must not import server code'),
  ]),
  // Pure wire code: bytes in, typed commands out; no sockets, no storage, no services.
  layer(['**/wire/**'], [
    { regex: '^(node:)?(net|tls|dgram|http|https|http2)$', message: 'wire/ code is pure: no sockets' },
    folder(['store', ...DOMAIN_MODULES], 'wire/ code is pure: no store or services'),
  ]),
);
