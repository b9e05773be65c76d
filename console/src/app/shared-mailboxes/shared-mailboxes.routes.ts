import type { Routes } from '@angular/router';

export const SHARED_MAILBOXES_ROUTES: Routes = [
  { path: '', title: 'Shared mailboxes · Stoa', loadComponent: () => import('./shared-mailbox-list').then((m) => m.SharedMailboxList) },
  { path: 'new', title: 'New shared mailbox · Stoa', loadComponent: () => import('./shared-mailbox-editor').then((m) => m.SharedMailboxEditor) },
  { path: ':id', title: 'Shared mailbox · Stoa', loadComponent: () => import('./shared-mailbox-editor').then((m) => m.SharedMailboxEditor) },
];
