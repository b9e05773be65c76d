// The frame around every page: navigation (a side rail on wide screens, a
// drawer on tablets), who is signed in, the live channel's state, sign-out.
// A domain admin sees only the pages that apply to their domains.
import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject, type OnInit } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatListModule } from '@angular/material/list';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { LiveService } from '../core/live';
import { SessionStore } from '../core/session';

/** serverAdminOnly: the API refuses domain admins; mailboxOnly: pages about the signed-in admin's own mail (operators have none). */
interface NavItem { path: string; label: string; serverAdminOnly?: boolean; mailboxOnly?: boolean }
interface NavGroup { label: string; items: NavItem[] }

const NAV: NavGroup[] = [
  { label: 'Overview', items: [{ path: '/dashboard', label: 'Dashboard' }] },
  {
    label: 'Directory', items: [
      { path: '/domains', label: 'Domains' }, { path: '/accounts', label: 'Accounts' }, { path: '/shared-mailboxes', label: 'Shared mailboxes' }, { path: '/groups', label: 'Groups and lists' },
      { path: '/aliases', label: 'Aliases' }, { path: '/resources', label: 'Resources' }, { path: '/public-folders', label: 'Public folders' },
      { path: '/admins', label: 'Administrators', serverAdminOnly: true },
    ],
  },
  {
    label: 'Mail flow', items: [
      { path: '/mail-flow/queue', label: 'Queue', serverAdminOnly: true }, { path: '/mail-flow/trace', label: 'Live trace' },
      { path: '/mail-flow/dkim', label: 'DKIM keys' }, { path: '/mail-flow/policy', label: 'Spam and relay', serverAdminOnly: true },
    ],
  },
  {
    label: 'Filter', items: [
      { path: '/filter/quarantine', label: 'Quarantine' }, { path: '/filter/verdicts', label: 'Verdicts' }, { path: '/filter/rules', label: 'Filter rules' },
    ],
  },
  {
    label: 'My mail', items: [
      { path: '/filter/mine', label: 'My held mail', mailboxOnly: true }, { path: '/sieve/my/rules', label: 'My mail rules', mailboxOnly: true },
      { path: '/sieve/my/out-of-office', label: 'My out of office', mailboxOnly: true },
    ],
  },
  { label: 'Server', items: [{ path: '/audit', label: 'Audit log' }, { path: '/settings', label: 'Settings', serverAdminOnly: true }] },
];

@Component({
  selector: 'stoa-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, MatSidenavModule, MatToolbarModule, MatListModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './shell.scss',
  templateUrl: './shell.html',
})
export class Shell implements OnInit {
  protected readonly session = inject(SessionStore);
  protected readonly live = inject(LiveService);
  protected readonly narrow = toSignal(inject(BreakpointObserver).observe('(max-width: 1023.98px)').pipe(map((s) => s.matches)), { initialValue: false });
  protected readonly nav = computed(() => {
    const all = this.session.isServerAdmin();
    const mailbox = this.session.hasMailbox();
    return NAV.map((g) => ({ ...g, items: g.items.filter((i) => (all || !i.serverAdminOnly) && (mailbox || !i.mailboxOnly)) })).filter((g) => g.items.length > 0);
  });
  protected readonly roleText = computed(() => {
    const info = this.session.info();
    if (!info) return '';
    return info.role === 'server-admin' ? 'Server admin' : `Domain admin: ${info.adminDomains.map((d) => d.unicodeName).join(', ') || 'no domains'}`;
  });
  protected readonly liveText = computed(() => ({ live: 'Live', connecting: 'Connecting…', stale: 'Stale: reconnecting', offline: 'Offline' })[this.live.state()]);

  ngOnInit(): void {
    this.live.start();
  }

  async signOut(): Promise<void> {
    this.live.stop();
    await this.session.signOut();
  }
}
