// SieveService: the rules of Sieve scripts, for ManageSieve, the API and
// delivery alike. Every method takes the Actor first: a user manages their
// own scripts, an admin those of accounts in their domains (the directory's
// account gate decides: a user asking for someone else gets FORBIDDEN, a
// domain admin outside their domains NOT_FOUND). Scripts are compiled at
// upload, so a stored script always parses; quotas are RFC 5804 HAVESPACE's
// (scripts per account, octets per script). Every change commits with its
// audit entry.
import type { MailRule, OutOfOffice, SieveScript, SieveScriptInfo } from '../../../shared/src/schemas/sieve.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { SieveSettings } from '../config/types.ts';
import { requireAccountChangeable, requireAdmin } from '../directory/access.ts';
import type { AccountService, Actor, DomainService } from '../directory/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Store, StoreTx } from '../store/port.ts';
import { domainScriptOwner, type SieveScriptRecord } from '../store/sieve-port.ts';
import { compileScript, SUPPORTED_EXTENSIONS, type CompileOptions } from './compiler.ts';
import { SieveSyntaxError } from './errors.ts';
import type { DeliveryScripts, ScriptBundle } from './evaluate-delivery.ts';
import type { CompiledScript } from './ir.ts';
import { compileOptionsFrom } from './limits.ts';
import { DEFAULT_OUT_OF_OFFICE, GENERATED_SCRIPT, generateScript, readSettings, type GeneratedSettings } from './rules-script.ts';

/** The name of a domain's global script that runs before every user's (RFC 6609 ":global"). */
export const DOMAIN_BEFORE_SCRIPT = 'before';

export interface SieveService {
  /** What ManageSieve's capabilities and the API's script list announce. */
  readonly extensions: readonly string[];
  readonly settings: SieveSettings;
  list(actor: Actor, account: string): Promise<SieveScriptInfo[]>;
  get(actor: Actor, account: string, name: string): Promise<SieveScript>;
  /** Compiles, checks quotas, stores; STOA_SIEVE_INVALID with line and column, STOA_SIEVE_QUOTA. */
  put(actor: Actor, account: string, name: string, content: string): Promise<SieveScriptInfo>;
  /** CHECKSCRIPT: compiles without storing. */
  check(actor: Actor, content: string): void;
  /** HAVESPACE (RFC 5804 §2.5): would a script of this name and size fit? */
  haveSpace(actor: Actor, account: string, name: string, size: number): Promise<void>;
  /** SETACTIVE: `null` (ManageSieve's "") deactivates. */
  setActive(actor: Actor, account: string, name: string | null): Promise<void>;
  rename(actor: Actor, account: string, from: string, to: string): Promise<void>;
  /** Refuses the active script (STOA_SIEVE_ACTIVE). */
  delete(actor: Actor, account: string, name: string): Promise<void>;

  getRules(actor: Actor, account: string): Promise<{ rules: MailRule[]; script: GeneratedRef }>;
  setRules(actor: Actor, account: string, rules: MailRule[]): Promise<{ rules: MailRule[]; script: GeneratedRef }>;
  getOutOfOffice(actor: Actor, account: string): Promise<OutOfOffice & { script: GeneratedRef }>;
  setOutOfOffice(actor: Actor, account: string, ooo: OutOfOffice): Promise<OutOfOffice & { script: GeneratedRef }>;

  /** A domain's global script and redirect policy (admins of the domain). */
  getDomain(actor: Actor, domain: string): Promise<{ script: string | null; allowExternalRedirect: boolean }>;
  setDomain(actor: Actor, domain: string, value: { script: string | null; allowExternalRedirect: boolean }): Promise<{ script: string | null; allowExternalRedirect: boolean }>;

  /** For delivery (the server itself, no actor): the compiled scripts to run for an account, with what they include. */
  deliveryScripts(accountId: string): Promise<DeliveryScripts>;
  /** For delivery: may rules of this account redirect outside the server? */
  allowExternalRedirect(domainId: string | null): Promise<boolean>;
}

export interface GeneratedRef { name: string; active: boolean }

export interface SieveServiceDeps {
  store: Store;
  directory: { accounts: Pick<AccountService, 'get'>; domains: Pick<DomainService, 'get'> };
  settings: SieveSettings;
  now?: () => string;
}

const invalid = (err: SieveSyntaxError): StoaError => new StoaError('STOA_SIEVE_INVALID', err.message, {
  errors: [{ path: '/content', message: err.message }], cause: err,
});

export function createSieveService({ store, directory, settings, now = () => new Date().toISOString() }: SieveServiceDeps): SieveService {
  const options: CompileOptions = compileOptionsFrom(settings);
  /** Compiled scripts by owner, name and version: delivery compiles a script once per change. */
  const compiled = new Map<string, CompiledScript>();

  function compile(content: string): CompiledScript {
    try {
      return compileScript(content, options);
    } catch (err) {
      if (err instanceof SieveSyntaxError) throw invalid(err);
      throw err;
    }
  }

  function cachedCompile(r: SieveScriptRecord): CompiledScript | null {
    const key = `${r.ownerId}\u0000${r.name}\u0000${r.updatedAt}\u0000${r.content.length}`;
    let script = compiled.get(key);
    if (script === undefined) {
      try {
        script = compileScript(r.content, options);
      } catch {
        // Stored before a limit was lowered: the delivery runs without it (implicit keep), the owner sees it on upload.
        return null;
      }
      if (compiled.size >= 10_000) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, script);
    }
    return script;
  }

  async function readable(actor: Actor, ref: string) {
    return directory.accounts.get(actor, ref);
  }

  async function changeable(actor: Actor, ref: string) {
    const account = await directory.accounts.get(actor, ref);
    requireAccountChangeable(actor, account, ref);
    return account;
  }

  const info = (r: SieveScriptRecord): SieveScriptInfo => ({ name: r.name, active: r.active, size: Buffer.byteLength(r.content, 'utf8'), updatedAt: r.updatedAt });

  async function audited(actor: Actor, domainId: string | null, objectId: string, change: { action: 'create' | 'update' | 'delete' | 'activate' | 'rename'; before: object | null; after: object | null }, write: (tx: StoreTx, at: string) => Promise<void>, objectType: 'sieve-script' | 'sieve-domain' = 'sieve-script'): Promise<void> {
    await store.atomic(async (tx) => {
      const at = now();
      await write(tx, at);
      await writeAudit(tx, actor, at, { ...change, objectType, objectId, domainId });
    });
  }

  async function checkSpace(tx: StoreTx | Store, ownerId: string, name: string, size: number): Promise<void> {
    if (size > settings.maxScriptBytes) throw new StoaError('STOA_SIEVE_QUOTA', `a script may hold ${settings.maxScriptBytes} octets (QUOTA/MAXSIZE)`);
    if ((await tx.sieveScripts.get(ownerId, name)) === null && (await tx.sieveScripts.count(ownerId)) >= settings.maxScripts) {
      throw new StoaError('STOA_SIEVE_QUOTA', `an account may keep ${settings.maxScripts} scripts (QUOTA/MAXSCRIPTS)`);
    }
  }

  async function putScript(actor: Actor, accountId: string, domainId: string | null, name: string, content: string, activate: boolean): Promise<SieveScriptRecord> {
    compile(content);
    let stored: SieveScriptRecord | null = null;
    await store.atomic(async (tx) => {
      const at = now();
      await checkSpace(tx, accountId, name, Buffer.byteLength(content, 'utf8'));
      const before = await tx.sieveScripts.get(accountId, name);
      stored = await tx.sieveScripts.put(accountId, name, content, at);
      if (activate && !stored.active) {
        await tx.sieveScripts.setActive(accountId, name, at);
        stored = { ...stored, active: true };
      }
      await writeAudit(tx, actor, at, {
        action: before ? 'update' : 'create', objectType: 'sieve-script', objectId: `${accountId}/${name}`, domainId,
        before: before ? { name, size: Buffer.byteLength(before.content, 'utf8') } : null, after: { name, size: Buffer.byteLength(content, 'utf8'), active: stored.active },
      });
    });
    return stored!;
  }

  async function internalDomains(domainId: string | null): Promise<string[]> {
    if (domainId === null) return [];
    const domain = await store.domains.get(domainId);
    if (!domain) return [];
    return [domain.name, ...(await store.domains.aliasesOf(domain.id)).map((d) => d.name)];
  }

  async function saveGenerated(actor: Actor, ref: string, change: (s: GeneratedSettings) => GeneratedSettings): Promise<{ settings: GeneratedSettings; script: GeneratedRef }> {
    const account = await changeable(actor, ref);
    const current = readSettings((await store.sieveScripts.get(account.id, GENERATED_SCRIPT))?.content ?? null);
    const next = change(current);
    const content = generateScript(next, await internalDomains(account.domainId));
    const stored = await putScript(actor, account.id, account.domainId, GENERATED_SCRIPT, content, true);
    return { settings: next, script: { name: stored.name, active: stored.active } };
  }

  async function readGenerated(actor: Actor, ref: string): Promise<{ settings: GeneratedSettings; script: GeneratedRef }> {
    const account = await readable(actor, ref);
    const record = await store.sieveScripts.get(account.id, GENERATED_SCRIPT);
    return { settings: readSettings(record?.content ?? null), script: { name: GENERATED_SCRIPT, active: record?.active ?? false } };
  }

  async function domainOf(actor: Actor, ref: string) {
    requireAdmin(actor, 'manage a domain\'s Sieve settings');
    return directory.domains.get(actor, ref);
  }

  async function bundle(ownerId: string, record: SieveScriptRecord | null, accountId: string, domainId: string | null): Promise<ScriptBundle | null> {
    if (record === null) return null;
    const main = cachedCompile(record);
    if (main === null) return null;
    const includes = new Map<string, CompiledScript>();
    // RFC 6609: load what is included, transitively; the interpreter bounds depth and loops at run time.
    const queue = [...main.includes];
    while (queue.length > 0 && includes.size < 32) {
      const inc = queue.shift()!;
      const key = `${inc.location}:${inc.name}`;
      if (includes.has(key)) continue;
      const owner = inc.location === 'global' ? (domainId === null ? null : domainScriptOwner(domainId)) : accountId;
      const found = owner === null ? null : await store.sieveScripts.get(owner, inc.name);
      const script = found === null ? null : cachedCompile(found);
      if (script === null) continue;
      includes.set(key, script);
      queue.push(...script.includes);
    }
    return { name: record.name, main, includes };
  }

  return {
    extensions: SUPPORTED_EXTENSIONS,
    settings,

    async list(actor, ref) {
      const account = await readable(actor, ref);
      return (await store.sieveScripts.list(account.id)).map(info);
    },

    async get(actor, ref, name) {
      const account = await readable(actor, ref);
      const r = await store.sieveScripts.get(account.id, name);
      if (r === null) throw new StoaError('STOA_NOT_FOUND', `script "${name}" does not exist`);
      return { name: r.name, active: r.active, content: r.content, updatedAt: r.updatedAt };
    },

    async put(actor, ref, name, content) {
      const account = await changeable(actor, ref);
      return info(await putScript(actor, account.id, account.domainId, name, content, false));
    },

    check(_actor, content) {
      compile(content);
    },

    async haveSpace(actor, ref, name, size) {
      const account = await readable(actor, ref);
      await checkSpace(store, account.id, name, size);
    },

    async setActive(actor, ref, name) {
      const account = await changeable(actor, ref);
      const before = await store.sieveScripts.getActive(account.id);
      await audited(actor, account.domainId, `${account.id}/${name ?? ''}`, { action: 'activate', before: { active: before?.name ?? null }, after: { active: name } },
        (tx, at) => tx.sieveScripts.setActive(account.id, name, at));
    },

    async rename(actor, ref, from, to) {
      const account = await changeable(actor, ref);
      await audited(actor, account.domainId, `${account.id}/${to}`, { action: 'rename', before: { name: from }, after: { name: to } },
        (tx, at) => tx.sieveScripts.rename(account.id, from, to, at));
    },

    async delete(actor, ref, name) {
      const account = await changeable(actor, ref);
      await audited(actor, account.domainId, `${account.id}/${name}`, { action: 'delete', before: { name }, after: null }, async (tx) => {
        const r = await tx.sieveScripts.get(account.id, name);
        if (r === null) throw new StoaError('STOA_NOT_FOUND', `script "${name}" does not exist`);
        if (r.active) throw new StoaError('STOA_SIEVE_ACTIVE', `"${name}" is the active script`);
        await tx.sieveScripts.delete(account.id, name);
      });
    },

    async getRules(actor, ref) {
      const { settings: s, script } = await readGenerated(actor, ref);
      return { rules: s.rules, script };
    },

    async setRules(actor, ref, rules) {
      const { settings: s, script } = await saveGenerated(actor, ref, (current) => ({ ...current, rules }));
      return { rules: s.rules, script };
    },

    async getOutOfOffice(actor, ref) {
      const { settings: s, script } = await readGenerated(actor, ref);
      return { ...(s.outOfOffice ?? DEFAULT_OUT_OF_OFFICE), script };
    },

    async setOutOfOffice(actor, ref, ooo) {
      if (ooo.start !== null && ooo.end !== null && Date.parse(ooo.end) <= Date.parse(ooo.start)) {
        throw new StoaError('STOA_VALIDATION', 'the end of the out-of-office period must come after its start', { errors: [{ path: '/body/end', message: 'must come after start' }] });
      }
      const { settings: s, script } = await saveGenerated(actor, ref, (current) => ({ ...current, outOfOffice: ooo }));
      return { ...(s.outOfOffice ?? DEFAULT_OUT_OF_OFFICE), script };
    },

    async getDomain(actor, ref) {
      const domain = await domainOf(actor, ref);
      const record = await store.sieveScripts.getActive(domainScriptOwner(domain.id));
      const policy = await store.sieveScripts.getDomainSettings(domain.id);
      return { script: record?.content ?? null, allowExternalRedirect: policy.allowExternalRedirect ?? settings.allowExternalRedirect };
    },

    async setDomain(actor, ref, value) {
      const domain = await domainOf(actor, ref);
      if (value.script !== null) {
        compile(value.script);
        if (Buffer.byteLength(value.script, 'utf8') > settings.maxScriptBytes) throw new StoaError('STOA_SIEVE_QUOTA', `a script may hold ${settings.maxScriptBytes} octets`);
      }
      const owner = domainScriptOwner(domain.id);
      await audited(actor, domain.id, domain.id, { action: 'update', before: null, after: { script: value.script === null ? null : '[set]', allowExternalRedirect: value.allowExternalRedirect } }, async (tx, at) => {
        if (value.script === null) {
          await tx.sieveScripts.setActive(owner, null, at);
          await tx.sieveScripts.delete(owner, DOMAIN_BEFORE_SCRIPT);
        } else {
          await tx.sieveScripts.put(owner, DOMAIN_BEFORE_SCRIPT, value.script, at);
          await tx.sieveScripts.setActive(owner, DOMAIN_BEFORE_SCRIPT, at);
        }
        await tx.sieveScripts.setDomainSettings(domain.id, { allowExternalRedirect: value.allowExternalRedirect }, at);
      }, 'sieve-domain');
      return { script: value.script, allowExternalRedirect: value.allowExternalRedirect };
    },

    async deliveryScripts(accountId) {
      const account = await store.accounts.get(accountId);
      if (!account) return { global: null, personal: null };
      const domainOwner = account.domainId === null ? null : domainScriptOwner(account.domainId);
      const [personal, global] = await Promise.all([
        store.sieveScripts.getActive(account.id),
        domainOwner === null ? null : store.sieveScripts.getActive(domainOwner),
      ]);
      return {
        global: await bundle(domainOwner ?? '', global, account.id, account.domainId),
        personal: await bundle(account.id, personal, account.id, account.domainId),
      };
    },

    async allowExternalRedirect(domainId) {
      if (domainId === null) return settings.allowExternalRedirect;
      return (await store.sieveScripts.getDomainSettings(domainId)).allowExternalRedirect ?? settings.allowExternalRedirect;
    },
  };
}
