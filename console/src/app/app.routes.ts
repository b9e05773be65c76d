// Top-level routes: the sign-in page, then the shell with one lazily loaded
// feature per area. A feature adds itself here with one line (docs/console.md).
import type { Routes } from '@angular/router';
import { adminGuard, serverAdminGuard } from './core/guards';

export const routes: Routes = [
  { path: 'sign-in', title: 'Sign in · Stoa', loadComponent: () => import('./sign-in/sign-in').then((m) => m.SignIn) },
  {
    path: '',
    canActivate: [adminGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      { path: 'dashboard', title: 'Dashboard · Stoa', loadComponent: () => import('./dashboard/dashboard').then((m) => m.Dashboard) },
      { path: 'domains', loadChildren: () => import('./domains/domains.routes').then((m) => m.DOMAINS_ROUTES) },
      { path: 'accounts', loadChildren: () => import('./accounts/accounts.routes').then((m) => m.ACCOUNTS_ROUTES) },
      { path: 'shared-mailboxes', loadChildren: () => import('./shared-mailboxes/shared-mailboxes.routes').then((m) => m.SHARED_MAILBOXES_ROUTES) },
      { path: 'groups', loadChildren: () => import('./groups/groups.routes').then((m) => m.GROUPS_ROUTES) },
      { path: 'aliases', loadChildren: () => import('./aliases/aliases.routes').then((m) => m.ALIASES_ROUTES) },
      { path: 'resources', loadChildren: () => import('./resources/resources.routes').then((m) => m.RESOURCES_ROUTES) },
      { path: 'public-folders', loadChildren: () => import('./public-folders/public-folders.routes').then((m) => m.PUBLIC_FOLDERS_ROUTES) },
      { path: 'admins', canActivate: [serverAdminGuard], loadChildren: () => import('./admins/admins.routes').then((m) => m.ADMINS_ROUTES) },
      { path: 'mail-flow', loadChildren: () => import('./mail-flow/mail-flow.routes').then((m) => m.MAIL_FLOW_ROUTES) },
      { path: 'filter', loadChildren: () => import('./filter/filter.routes').then((m) => m.FILTER_ROUTES) },
      { path: 'sieve', loadChildren: () => import('./sieve/sieve.routes').then((m) => m.SIEVE_ROUTES) },
      { path: 'audit', loadChildren: () => import('./audit/audit.routes').then((m) => m.AUDIT_ROUTES) },
      { path: 'dav', loadChildren: () => import('./dav/dav.routes').then((m) => m.DAV_ROUTES) },
      { path: 'directory-sync', canActivate: [serverAdminGuard], loadChildren: () => import('./directory-sync/directory-sync.routes').then((m) => m.DIRECTORY_SYNC_ROUTES) },
      { path: 'settings', canActivate: [serverAdminGuard], loadChildren: () => import('./settings/settings.routes').then((m) => m.SETTINGS_ROUTES) },
      { path: '**', title: 'Not found · Stoa', loadComponent: () => import('./shell/not-found').then((m) => m.NotFound) },
    ],
  },
];
