import type { Routes } from '@angular/router';

export const DAV_ROUTES: Routes = [
  { path: 'accounts/:id', title: 'Calendars and contacts · Stoa', data: { owner: 'account' }, loadComponent: () => import('./collections-page').then((m) => m.CollectionsPage) },
  { path: 'shared-mailboxes/:id', title: 'Calendars and contacts · Stoa', data: { owner: 'shared-mailbox' }, loadComponent: () => import('./collections-page').then((m) => m.CollectionsPage) },
];
