import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { SessionStore } from '../core/session';
import { QuarantineDetail } from './quarantine-detail';
import { button, flushProblem, problem, render, settle, setup, text } from '../../testing/harness';

const held = {
  id: 'q1', blobId: 'b', size: 2048, heldAt: '2026-12-01T10:00:00.000Z', expiresAt: '2026-12-31T10:00:00.000Z', direction: 'inbound',
  sender: 'bulk@spam.example', recipients: [{ address: 'ann@east.example', accountId: 'a1' }, { address: 'bob@west.example', accountId: 'b1' }],
  domainIds: ['east', 'west'], accountIds: ['a1', 'b1'], subject: 'Cheap watches', from: 'Deals <bulk@spam.example>',
  reason: 'spam score above the quarantine threshold', verdictId: null, score: 11.5, status: 'held', resolvedAt: null, resolvedBy: null, digested: false,
};

/** An ArrayBuffer of the test DOM's own realm (HttpTestingController checks the type). */
function bytesOf(textValue: string): ArrayBuffer {
  const buffer = new ArrayBuffer(textValue.length);
  const view = new Uint8Array(buffer);
  for (let i = 0; i < textValue.length; i++) view[i] = textValue.charCodeAt(i);
  return buffer;
}

describe('QuarantineDetail: teaching the filter', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  async function signInAs(role: 'server-admin' | 'domain-admin', adminDomains: Array<{ id: string; name: string; unicodeName: string }> = []) {
    const signingIn = TestBed.inject(SessionStore).signIn('boss', 'secret');
    http.expectOne('/api/v1/session').flush({ account: { address: 'boss@east.example', role }, role, adminDomains, via: 'session' });
    await signingIn;
  }

  it('sends the held message, base64, to the classifier of the domains the admin administers only', async () => {
    await signInAs('domain-admin', [{ id: 'east', name: 'east.example', unicodeName: 'east.example' }]);
    const f = await render(QuarantineDetail, { id: 'q1' });
    http.expectOne('/api/v1/filter/quarantine/q1').flush(held);
    await settle(f);
    button(f, 'This is not spam').click();
    await settle(f);
    const raw = http.expectOne('/api/v1/filter/quarantine/q1/message');
    expect(raw.request.responseType).toBe('arraybuffer');
    raw.flush(bytesOf('Subject: Cheap watches\r\n\r\nHi\r\n'));
    await settle(f);
    const train = http.expectOne({ method: 'POST', url: '/api/v1/filter/train' });
    expect(train.request.body).toEqual({ message: btoa('Subject: Cheap watches\r\n\r\nHi\r\n'), class: 'ham', scope: { domainId: 'east' } });
    train.flush({ scope: 'domain:east.example', result: 'learned' });
    await settle(f);
    expect(text(f)).toContain('east.example: learned it as not spam');
  });

  it('shows the server\'s refusal and trains nothing more', async () => {
    await signInAs('server-admin');
    const f = await render(QuarantineDetail, { id: 'q1' });
    http.expectOne('/api/v1/filter/quarantine/q1').flush(held);
    await settle(f);
    button(f, 'This is spam').click();
    await settle(f);
    http.expectOne('/api/v1/filter/quarantine/q1/message').flush(bytesOf('Subject: x\r\n\r\n'));
    await settle(f);
    flushProblem(http.expectOne('/api/v1/filter/train'), problem('STOA_NOT_FOUND', 404, 'Not found', { detail: 'domain "east" does not exist' }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=trained]')).toBeNull();
  });

  it('offers no training for a message too large for the train route', async () => {
    await signInAs('server-admin');
    const f = await render(QuarantineDetail, { id: 'q1' });
    http.expectOne('/api/v1/filter/quarantine/q1').flush({ ...held, size: 3 * 1024 * 1024 });
    await settle(f);
    expect(text(f)).toContain('Too large to train from here');
    expect(() => button(f, 'This is spam')).toThrow();
  });
});
