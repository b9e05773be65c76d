// HTTP interceptors: a 401 on any call except the login itself means the
// session has ended; the user is sent to the sign-in page with the page they
// were on, and nothing they typed is sent again automatically.
import type { HttpInterceptorFn } from '@angular/common/http';
import { HttpErrorResponse } from '@angular/common/http';
import { inject } from '@angular/core';
import { tap } from 'rxjs';
import { SessionStore } from './session';

export const sessionExpiryInterceptor: HttpInterceptorFn = (req, next) => {
  const session = inject(SessionStore);
  return next(req).pipe(tap({
    error: (err: unknown) => {
      const isLogin = req.method === 'POST' && req.url.endsWith('/api/v1/session');
      if (err instanceof HttpErrorResponse && err.status === 401 && !isLogin) session.expired();
    },
  }));
};
