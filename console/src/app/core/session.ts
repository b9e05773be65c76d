// Who is signed in, as signals every page reads: the account, its role and
// the domains a domain admin manages. A user (role "user") is refused here
// even though the API would let them read /session: the console is for admins.
import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { SessionInfo } from '@shared/schemas/api.ts';
import { ApiHttp } from './api-http';
import { ApiProblem } from './problem';
import { SESSION_ENDPOINTS as E } from './session.endpoints';

export type SignOutReason = 'signed-out' | 'expired' | 'not-admin';

/**
 * A hint (not a credential: the session cookie is HttpOnly) that this browser
 * signed in; without it the console goes straight to the sign-in page instead
 * of asking the server and getting a 401.
 */
const HINT_KEY = 'stoa.console.signedIn';

function hint(): boolean {
  try { return localStorage.getItem(HINT_KEY) === '1'; } catch { return true; }
}

function setHint(on: boolean): void {
  try { if (on) localStorage.setItem(HINT_KEY, '1'); else localStorage.removeItem(HINT_KEY); } catch { /* storage disabled: the server is asked every time */ }
}

@Injectable({ providedIn: 'root' })
export class SessionStore {
  readonly #api = inject(ApiHttp);
  readonly #router = inject(Router);
  readonly #info = signal<SessionInfo | null>(null);
  #loading: Promise<SessionInfo | null> | null = null;
  /** True when this browser had signed in but the server no longer knows the session (expired, ended elsewhere). */
  endedWhileAway = false;

  readonly info = this.#info.asReadonly();
  readonly signedIn = computed(() => this.#info() !== null);
  readonly isServerAdmin = computed(() => this.#info()?.role === 'server-admin');
  readonly login = computed(() => this.#info()?.account.address ?? '');
  /** Accounts of a domain have a mailbox; operator accounts (no domain) have none, so no "My mail" pages. */
  readonly hasMailbox = computed(() => (this.#info()?.account.domainId ?? null) !== null);
  /** Domain names a domain admin may see; null for a server admin (every domain). */
  readonly domainScope = computed(() => {
    const info = this.#info();
    if (!info || info.role === 'server-admin') return null;
    return info.adminDomains.map((d) => d.name);
  });

  /** The current session, asked of the server once; null when there is none. */
  async ensureLoaded(): Promise<SessionInfo | null> {
    if (this.#info()) return this.#info();
    if (!hint()) return null;
    this.#loading ??= this.#api.call<SessionInfo>(E.current).then(
      (info) => (info.role === 'user' ? null : (this.#info.set(info), info)),
      (err: unknown) => {
        if (err instanceof ApiProblem && (err.status === 401 || err.status === 403)) {
          this.endedWhileAway = err.status === 401;
          setHint(false);
          return null;
        }
        throw err;
      },
    ).finally(() => { this.#loading = null; });
    return this.#loading;
  }

  async signIn(username: string, password: string): Promise<SessionInfo> {
    const info = await this.#api.call<SessionInfo>(E.signIn, { body: { username, password } });
    if (info.role === 'user') {
      // The session is ended at once so a user's browser holds no admin-API cookie it cannot use here.
      await this.#api.call(E.signOut).catch(() => undefined);
      throw new ApiProblem({ status: 403, code: 'STOA_FORBIDDEN', title: 'This console is for administrators', detail: 'Your account is a user account; use your mail client or webmail.' });
    }
    this.#info.set(info);
    setHint(true);
    return info;
  }

  async signOut(): Promise<void> {
    await this.#api.call(E.signOut).catch(() => undefined);
    this.#forget('signed-out');
  }

  /** Called when the server answers 401: the session ended (expiry, password reset, account disabled). */
  expired(): void {
    if (!this.#info()) return;
    this.#forget('expired');
  }

  #forget(reason: SignOutReason): void {
    this.#info.set(null);
    setHint(false);
    const returnUrl = reason === 'expired' ? this.#router.url : undefined;
    void this.#router.navigate(['/sign-in'], { queryParams: { reason, ...(returnUrl && returnUrl !== '/sign-in' ? { returnUrl } : {}) } });
  }
}
