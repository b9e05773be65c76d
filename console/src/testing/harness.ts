// Component-test setup shared by the *.spec.ts files: zoneless Angular with
// the real router and HttpClient, whose backend is Angular's
// HttpTestingController — the one thing stubbed, because no Stoa server runs
// inside the unit-test DOM (the end-to-end tests in test/console/ use a real one).
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, type Type } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, type Routes } from '@angular/router';
import { sessionExpiryInterceptor } from '../app/core/interceptors';

export function setup(routes: Routes = []): HttpTestingController {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideRouter(routes),
      provideHttpClient(withInterceptors([sessionExpiryInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  return TestBed.inject(HttpTestingController);
}

export async function render<T>(component: Type<T>, inputs: Record<string, unknown> = {}): Promise<ComponentFixture<T>> {
  const fixture = TestBed.createComponent(component);
  for (const [k, v] of Object.entries(inputs)) fixture.componentRef.setInput(k, v);
  fixture.detectChanges();
  await settle(fixture);
  return fixture;
}

/** Lets promises and signal effects run, then renders. */
export async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    fixture.detectChanges();
  }
}

export function type(fixture: ComponentFixture<unknown>, selector: string, value: string): void {
  const el = (fixture.nativeElement as HTMLElement).querySelector<HTMLInputElement | HTMLTextAreaElement>(selector);
  if (!el) throw new Error(`no element ${selector}`);
  el.value = value;
  el.dispatchEvent(new Event('input'));
  el.dispatchEvent(new Event('blur'));
}

export function button(fixture: ComponentFixture<unknown>, text: string): HTMLButtonElement {
  const found = [...(fixture.nativeElement as HTMLElement).querySelectorAll('button')].find((b) => b.textContent?.trim() === text);
  if (!found) throw new Error(`no button "${text}"`);
  return found;
}

export function text(fixture: ComponentFixture<unknown>): string {
  return ((fixture.nativeElement as HTMLElement).textContent ?? '').replace(/\s+/g, ' ');
}

export function problem(code: string, status: number, title: string, extra: Record<string, unknown> = {}) {
  return { type: `https://stoa.dev/errors/${code}`, title, status, code, ...extra };
}

export function flushProblem(req: TestRequest, body: ReturnType<typeof problem>): void {
  req.flush(body, { status: body.status, statusText: body.title, headers: { 'content-type': 'application/problem+json' } });
}

/** Clicks a button of the open confirmation dialog (rendered in the overlay, outside the component). */
export async function confirmDialog(fixture: ComponentFixture<unknown>, action: string): Promise<void> {
  const found = [...document.querySelectorAll('mat-dialog-actions button')].find((b) => b.textContent?.trim() === action) as HTMLButtonElement | undefined;
  if (!found) throw new Error(`no dialog button "${action}"`);
  found.click();
  // The dialog answers when its closing animation has ended.
  for (let i = 0; i < 20 && document.querySelector('mat-dialog-container'); i++) await new Promise((r) => setTimeout(r, 25));
  await settle(fixture);
}
