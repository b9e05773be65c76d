import type { Routes } from '@angular/router';

export const ACCOUNTS_ROUTES: Routes = [
  { path: '', title: 'Accounts · Stoa', loadComponent: () => import('./account-list').then((m) => m.AccountList) },
  { path: 'import', title: 'Import accounts · Stoa', loadComponent: () => import('./account-import').then((m) => m.AccountImport) },
  { path: 'new', title: 'New account · Stoa', loadComponent: () => import('./account-editor').then((m) => m.AccountEditor) },
  { path: ':id', title: 'Account · Stoa', loadComponent: () => import('./account-editor').then((m) => m.AccountEditor) },
];
