// End to end in Debian's Chromium against a real Stoa started here: the
// "Done when" sequence of issue 14 (sign in, create a domain, a user and a
// group, grant a domain admin, that admin cannot see the other domain, a
// message sent over SMTP shows in the live trace, a deferred message is
// retried), plus the pages around it: a quarantined message released, a
// user's out-of-office and a domain's Sieve script set, a shared mailbox
// with grants and a public folder with an address, a user's calendars with a
// share and a delegate, an OpenLDAP directory (Debian's slapd) connected,
// tested and synced from the settings page, a password reset signing the
// user out. Every page is saved as a screenshot
// under .tmp/console-screenshots (or $STOA_SCREENSHOT_DIR), and the browser
// console must stay free of errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { LDAP_ROOT_DN, LDAP_ROOT_PASSWORD, LDAP_SUFFIX, type Slapd, ssha, startSlapd } from '../support/slapd.ts';
import { type Browser, launchBrowser, screenshotDir } from './browser.ts';
import { ADMIN_PASSWORD, type StoaProcess, startStoaForConsole } from './stoa-process.ts';

const USER_PASSWORD = 'alice-secret-password';
const USER_PASSWORD_NEW = 'a-brand-new-password';

/** A small OpenLDAP tree for the directory-connection page: one user with an address in east.example. */
const LDAP_TREE = [
  `dn: ${LDAP_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Stoa\ndc: stoa\n`,
  `dn: ou=people,${LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: people\n`,
  [`dn: uid=dir-user,ou=people,${LDAP_SUFFIX}`, 'objectClass: inetOrgPerson', 'uid: dir-user', 'sn: User', 'cn: Dir User', 'displayName: Dir User',
    'mail: dir-user@east.example', `userPassword: ${ssha('Dir-User-0penLDAP!')}`, ''].join('\n'),
].join('\n');

describe('admin console in Chromium', () => {
  let stoa: StoaProcess;
  let slapd: Slapd;
  let browser: Browser;
  let page: Page;
  const shots = screenshotDir();
  let errors: string[] = [];
  /** Console errors a step expects (a 404 answer is logged by Chromium as "Failed to load resource"). */
  let allowed: RegExp[] = [];

  const shot = async (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const go = async (path: string) => {
    await page.goto(`${stoa.base}admin/${path}`);
  };
  const signIn = async (login: string, password: string) => {
    await page.goto(`${stoa.base}`);
    await page.getByLabel('Login').fill(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/dashboard/);
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/sign-in/);
  };
  /**
   * Form controls and buttons a screen reader could not name (WCAG 2.1 SC
   * 4.1.2), checked in the page (a string: this file is type-checked without
   * the DOM library).
   */
  const UNLABELED = `(() => {
    const named = (el) => {
      if (el.getAttribute('aria-label')?.trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
      if (el.closest('label')?.textContent?.trim()) return true;
      return ['BUTTON', 'A'].includes(el.tagName) && Boolean(el.textContent.trim());
    };
    const controls = document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], [role=combobox]');
    return [...controls].filter((el) => el.offsetParent !== null && !named(el)).map((el) => el.outerHTML.slice(0, 120));
  })()`;
  const unlabeled = () => page.evaluate<string[]>(UNLABELED);
  const noErrors = (step: string) => {
    const real = errors.filter((e) => !allowed.some((re) => re.test(e)));
    assert.deepEqual(real, [], `browser console errors during "${step}"`);
    errors = [];
    allowed = [];
  };

  before(async () => {
    // Attachments that hide an executable are held in quarantine for east.example (docs/filtering.md, per-domain policy).
    stoa = await startStoaForConsole({
      extraConfig: 'filter:\n  domains:\n    east.example: { attachments: { action: quarantine }, quarantine: { userRelease: true } }',
    });
    // The other domain exists before the test: created through the API as a script would.
    const login = await fetch(`${stoa.base}api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const cookie = login.headers.getSetCookie()[0].split(';')[0];
    const created = await fetch(`${stoa.base}api/v1/domains`, { method: 'POST', headers: { cookie, 'x-stoa-csrf': '1', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'west.example' }) });
    assert.equal(created.status, 201);
    slapd = await startSlapd(LDAP_TREE);
    browser = await launchBrowser();
    page = browser.page;
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(`uncaught: ${String(e)}`));
  });

  after(async () => {
    await browser?.close();
    await stoa?.stop();
    await slapd?.stop();
  });

  test('a server admin signs in and the dashboard shows live data', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
    await page.getByTestId('health').filter({ hasText: 'Healthy' }).waitFor();
    await shot('01-dashboard');
    noErrors('sign in');
  });

  test('the admin creates a domain and sees the DNS records to publish', async () => {
    await go('domains');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByLabel('Domain name').fill('east.example');
    await page.getByRole('button', { name: 'Create domain' }).click();
    await page.waitForURL(/\/admin\/domains\/east\.example/);
    await page.getByRole('heading', { name: 'east.example' }).waitFor();
    // DNS does not answer here (a closed resolver port): every record shows what to publish.
    const dns = page.getByRole('table', { name: 'DNS records' });
    await dns.waitFor();
    assert.match(await dns.innerText(), /10 mail\.console\.test\./);
    assert.match(await dns.innerText(), /v=DKIM1; k=rsa; p=/);
    await shot('02-domain-detail');
    await go('domains');
    await page.getByRole('link', { name: 'west.example' }).waitFor();
    await shot('03-domains');
    noErrors('create a domain');
  });

  test('the admin creates a user, and the server refuses a duplicate next to the address field', async () => {
    await go('accounts/new');
    await page.getByLabel('Address').fill('alice@east.example');
    await page.getByLabel('Display name').fill('Alice Example');
    await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
    await page.getByLabel('Quota').fill('1 GiB');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'alice@east.example' }).waitFor();
    await shot('04-account');
    await go('accounts/new');
    await page.getByLabel('Address').fill('alice@east.example');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Both-side validation: the browser found nothing wrong; the server's problem+json names the field.
    await page.locator('mat-error').filter({ hasText: /already|in use|exists/i }).waitFor();
    await shot('05-account-duplicate');
    allowed = [/status of 409/];
    noErrors('create a user');
    await go('accounts');
    await page.locator('tr[data-address="alice@east.example"]').waitFor();
    await shot('06-accounts');
  });

  test('the admin creates a group with the user and an outside address', async () => {
    await go('groups/new');
    await page.getByLabel('Address').first().fill('team@east.example');
    await page.getByLabel('Name', { exact: true }).fill('Team');
    await page.getByTestId('member-address').fill('alice@east.example');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('list', { name: 'Members' }).getByText('alice@east.example').waitFor();
    await page.getByRole('combobox', { name: 'Kind' }).last().click();
    await page.getByRole('option', { name: 'External address' }).click();
    await page.getByTestId('member-address').fill('bob@remote.example');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'team@east.example' }).waitFor();
    await page.getByRole('list', { name: 'Members' }).getByText('bob@remote.example (external)').waitFor();
    assert.match(await page.getByRole('list', { name: 'Members' }).innerText(), /alice@east\.example[\s\S]*bob@remote\.example/);
    await shot('07-group');
    noErrors('create a group');
  });

  test('the admin creates a shared mailbox, gives the group full access and the user send as, and a public folder an address', async () => {
    await go('shared-mailboxes/new');
    await page.getByLabel('Address').fill('sales@east.example');
    await page.getByLabel('Display name').fill('Sales');
    await page.getByRole('button', { name: 'Create shared mailbox' }).click();
    await page.getByRole('heading', { name: 'sales@east.example' }).waitFor();
    const grants = page.getByRole('table', { name: 'Grants on sales@east.example' });
    await page.getByTestId('grant-grantee').fill('team@east.example');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await grants.locator('tr[data-grantee="team@east.example"][data-right="full-access"]').waitFor();
    await page.getByTestId('grant-grantee').fill('alice@east.example');
    await page.getByTestId('grant-right').click();
    await page.getByRole('option', { name: /^Send as/ }).click();
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await grants.locator('tr[data-grantee="alice@east.example"][data-right="send-as"]').waitFor();
    // Someone the directory does not know: the server's reason under the field, nothing granted.
    await page.getByTestId('grant-grantee').fill('nobody@east.example');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await page.locator('mat-error').filter({ hasText: /no account or group "nobody@east\.example"/ }).waitFor();
    assert.equal(await grants.locator('tbody tr[data-right]').count(), 2);
    await shot('32-shared-mailbox');
    allowed = [/status of 422/];
    noErrors('shared mailbox and grants');
    await go('shared-mailboxes');
    await page.locator('tr[data-address="sales@east.example"]').waitFor();
    await shot('33-shared-mailboxes');
    // Alice's page says what she was given, and through which grant (she is in the team).
    await go('accounts');
    await page.locator('tr[data-address="alice@east.example"]').getByRole('link').first().click();
    await page.getByTestId('access-open').getByText('sales@east.example').waitFor();
    assert.match(await page.getByTestId('access-open').innerText(), /through team@east\.example/);
    assert.match(await page.getByTestId('access-sendAs').innerText(), /sales@east\.example \(directly\)/);
    await page.getByTestId('access-sendOnBehalf').scrollIntoViewIfNeeded();
    await shot('34-account-delegation');
    // A public folder that takes mail from outside: a message sent over SMTP is filed in it.
    await go('public-folders?domain=east.example');
    await page.getByLabel('New folder (e.g. Sales/Leads)').fill('Invoices');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('button', { name: /^Invoices \(0\)/ }).click();
    await page.getByLabel('Address of the folder').fill('invoices@east.example');
    await page.getByRole('checkbox', { name: 'Accept mail from outside' }).check();
    await page.getByRole('button', { name: 'Give it an address' }).click();
    await page.getByTestId('folder-address').filter({ hasText: 'Mail to invoices@east.example is filed here; senders from outside may post too' }).waitFor();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: stoa.smtpPort, secure: false, ignoreTLS: true, name: 'client.sender.example' });
    await transport.sendMail({ from: 'supplier@sender.example', to: 'invoices@east.example', subject: 'Invoice 42', text: 'Please pay.' });
    await page.reload();
    await page.getByRole('button', { name: /^Invoices \(1\)/ }).click();
    await page.getByTestId('folder-address').scrollIntoViewIfNeeded();
    await shot('35-public-folder-address');
    noErrors('public folder address');
  });

  test('the admin manages a user\'s calendars: creates one, shares it with the group and names a calendar delegate', async () => {
    await go('accounts');
    await page.locator('tr[data-address="alice@east.example"]').getByRole('link').first().click();
    await page.getByRole('heading', { name: 'alice@east.example' }).waitFor();
    await page.getByRole('link', { name: 'Calendars and contacts' }).click();
    await page.getByRole('heading', { name: 'Calendars and contacts' }).waitFor();
    await page.getByTestId('dav-account').filter({ hasText: 'For alice@east.example' }).waitFor();
    await page.getByLabel('Path name').fill('projects');
    await page.getByLabel('Display name', { exact: true }).fill('Projects');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const row = page.getByRole('table', { name: 'Collections' }).locator('tr[data-uri="projects"]');
    await row.waitFor();
    assert.match(await row.innerText(), /Calendar[\s\S]*Projects[\s\S]*\/projects\//);
    await row.getByRole('button', { name: 'Open Projects' }).click();
    await page.getByTestId('share-grantee').fill('team@east.example');
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByTestId('shares').filter({ hasText: 'team@east.example · group: Read' }).waitFor();
    // Outside the owner's domain: refused under the field, nothing shared.
    await page.getByTestId('share-grantee').fill('w@west.example');
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.locator('mat-error').first().waitFor();
    await page.getByTestId('delegate-grantee').fill('team@east.example');
    await page.getByRole('button', { name: 'Add delegate' }).click();
    await page.getByTestId('delegates').filter({ hasText: 'team@east.example' }).waitFor();
    assert.deepEqual(await unlabeled(), [], 'controls without an accessible name on the calendars page');
    await shot('38-calendars');
    allowed = [/status of 4\d\d/];
    noErrors('calendars and address books');
  });

  test('the admin connects an OpenLDAP directory from the settings page: a wrong password fails the test, the right one syncs its users', async () => {
    await go('settings');
    await page.getByRole('link', { name: 'Add a directory connection' }).click();
    await page.getByRole('heading', { name: 'New directory connection' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('corp');
    await page.getByRole('combobox', { name: 'Directory' }).click();
    await page.getByRole('option', { name: 'OpenLDAP' }).click();
    await page.getByLabel('Servers').fill(slapd.ldapUrl);
    await page.getByRole('checkbox', { name: 'StartTLS on ldap://' }).check();
    await page.getByLabel('CA certificate (PEM)').fill(slapd.ca.pem);
    await page.getByLabel('Bind DN').fill(LDAP_ROOT_DN);
    await page.getByLabel('Bind password').fill('not-the-password');
    await page.getByLabel('Base DN', { exact: true }).fill(`ou=people,${LDAP_SUFFIX}`);
    await page.getByLabel('Domains it owns').fill('east.example');
    await page.getByRole('button', { name: 'Create connection' }).click();
    await page.getByRole('heading', { name: 'Directory connection corp' }).waitFor();
    await page.getByRole('button', { name: 'Test the connection' }).click();
    await page.getByTestId('test-steps').filter({ hasText: /failed bind/ }).waitFor();
    await shot('39-directory-test-failed');
    // The right password, then a dry run and a real sync.
    await page.getByLabel('Bind password').fill(LDAP_ROOT_PASSWORD);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Connection saved').waitFor();
    await page.getByRole('button', { name: 'Test the connection' }).click();
    await page.getByText(/Connection test: passed/).waitFor();
    await page.getByRole('button', { name: 'Show what would change' }).click();
    await page.getByTestId('run-summary').filter({ hasText: /Nothing was changed\. .*create/ }).waitFor();
    await page.getByRole('checkbox', { name: 'Dry run (change nothing)' }).uncheck();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sync' }).click();
    await page.getByTestId('connection-state').filter({ hasText: /^Synced/ }).waitFor();
    await shot('40-directory-synced');
    await go('accounts');
    await page.getByTestId('list-search').fill('dir-user');
    await page.locator('tr[data-address="dir-user@east.example"]').getByRole('link').first().click();
    await page.getByTestId('directory-source').filter({ hasText: `uid=dir-user,ou=people,${LDAP_SUFFIX}` }).waitFor();
    assert.equal(await page.getByLabel('Display name').isDisabled(), true, 'the directory owns the name');
    await shot('41-directory-account');
    allowed = [/status of 4\d\d/, /status of 5\d\d/];
    noErrors('directory connection');
  });

  test('the admin makes the user domain admin of the new domain', async () => {
    await go('admins');
    await page.getByTestId('grant-account').fill('alice@east.example');
    await page.getByTestId('grant-domains').click();
    await page.getByRole('option', { name: 'east.example' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Grant' }).click();
    await page.getByRole('table', { name: 'Administrators' }).getByText('alice@east.example').waitFor();
    await shot('08-administrators');
    noErrors('grant a domain admin');
    await signOut();
  });

  test('the domain admin sees only their domain, and another domain by URL is not found', async () => {
    await signIn('alice@east.example', USER_PASSWORD);
    await go('domains');
    await page.getByRole('link', { name: 'east.example' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'west.example' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'Queue' }).count(), 0, 'the queue is for server admins');
    await shot('09-domain-admin-domains');
    await go('domains/west.example');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await shot('10-domain-admin-out-of-scope');
    allowed = [/status of 404/];
    noErrors('domain admin scope');
    await go('settings');
    await page.waitForURL(/dashboard\?denied=server-admin/);
    await page.getByText('That page is for server administrators only.').waitFor();
    noErrors('domain admin refused a server page');
    await signOut();
  });

  test('a message sent over SMTP appears in the live trace, accepted and deferred', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await go('mail-flow/trace');
    await page.getByTestId('trace-state').filter({ hasText: 'Receiving live' }).waitFor();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: stoa.smtpPort, secure: false, ignoreTLS: true, name: 'client.sender.example' });
    await transport.sendMail({ from: 'someone@sender.example', to: 'team@east.example', subject: 'Console trace', text: 'Hello from the end-to-end test' });
    const table = page.getByRole('table', { name: 'Message trace' });
    await table.locator('tr[data-stage="accepted"]').filter({ hasText: 'team@east.example' }).waitFor();
    // The outside member goes through the queue; the smarthost port is closed, so it is deferred.
    await table.locator('tr[data-stage="deferred"]').filter({ hasText: 'bob@remote.example' }).waitFor({ timeout: 20_000 });
    // A refusal shows with its reason.
    await assert.rejects(transport.sendMail({ from: 'someone@sender.example', to: 'nobody@east.example', subject: 'x', text: 'x' }), /550|5\.1\.1/);
    await table.locator('tr[data-stage="rejected"]').filter({ hasText: 'nobody@east.example' }).filter({ hasText: /5\d\d/ }).waitFor();
    await shot('11-live-trace');
    noErrors('live trace');
  });

  test('the deferred message is retried from the queue page', async () => {
    await go('mail-flow/queue');
    await page.getByRole('table', { name: 'Queued messages' }).getByRole('link').first().click();
    await page.getByRole('heading', { name: /Queued message/ }).waitFor();
    const attempts = page.getByRole('table', { name: 'Delivery attempts' }).locator('tbody tr');
    await attempts.first().waitFor();
    const before = await attempts.count();
    await page.getByTestId('retry').click();
    await page.getByText(/will be retried now/).waitFor();
    // The worker takes the message at once; the page reloads its detail shortly after.
    for (let i = 0; i < 40 && await attempts.count() <= before; i++) {
      await page.waitForTimeout(500);
      if (i % 4 === 3) await page.reload();
    }
    assert.ok(await attempts.count() > before, 'a new delivery attempt is recorded after "Retry now"');
    await shot('12-queue-message');
    await go('mail-flow/queue');
    await page.getByRole('table', { name: 'Queued messages' }).waitFor();
    await shot('13-queue');
    noErrors('retry');
  });

  test('a message held in quarantine shows in the live trace and is released from the quarantine page', async () => {
    await go('mail-flow/trace');
    await page.getByTestId('trace-state').filter({ hasText: 'Receiving live' }).waitFor();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: stoa.smtpPort, secure: false, ignoreTLS: true, name: 'client.sender.example' });
    for (const subject of ['Invoice attached', 'Label attached']) {
      await transport.sendMail({
        from: 'billing@sender.example', to: 'alice@east.example', subject, text: 'See the attachment.',
        attachments: [{ filename: 'invoice.pdf.exe', content: Buffer.from('MZ not really a program') }],
      });
    }
    await page.getByRole('table', { name: 'Message trace' }).locator('tr[data-stage="held"]').filter({ hasText: 'alice@east.example' }).first().waitFor();
    await go('filter/quarantine');
    const row = page.locator('tr[data-subject="Invoice attached"]');
    await row.waitFor();
    assert.match(await row.innerText(), /invoice\.pdf\.exe|attachment/i);
    await shot('26-quarantine');
    // The held message's page teaches the domain's classifier with the message as it was held.
    await row.getByRole('link', { name: 'Invoice attached' }).click();
    await page.getByRole('heading', { name: 'Held message' }).waitFor();
    await page.getByRole('button', { name: 'This is not spam' }).click();
    await page.getByTestId('trained').filter({ hasText: 'east.example: learned it as not spam' }).waitFor();
    await shot('37-held-message-trained');
    await go('filter/quarantine');
    await row.getByRole('button', { name: 'Release Invoice attached' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click();
    await page.getByText('Message released and delivered').waitFor();
    await row.waitFor({ state: 'detached' });
    // The release goes through the intake like any message: it is traced as delivered (an in-app
    // navigation: the trace lives in the page, a reload would start it afresh).
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Live trace' }).click();
    await page.getByRole('table', { name: 'Message trace' }).locator('tr[data-stage="delivered"]').filter({ hasText: 'release' }).filter({ hasText: 'alice@east.example' }).waitFor();
    await go('filter/rules');
    await page.getByTestId('thresholds').waitFor();
    await shot('27-filter-rules');
    noErrors('quarantine');
  });

  test('the admin sets a user\'s out-of-office, and a domain\'s Sieve script is refused with its error until it compiles', async () => {
    await go('accounts');
    await page.locator('tr[data-address="alice@east.example"]').getByRole('link').first().click();
    await page.getByRole('heading', { name: 'alice@east.example' }).waitFor();
    await page.getByRole('link', { name: 'Out of office' }).click();
    await page.getByRole('heading', { name: 'Out of office', exact: true }).waitFor();
    await page.getByTestId('ooo-account').filter({ hasText: 'For alice@east.example' }).waitFor();
    await page.getByRole('checkbox', { name: 'Send automatic replies' }).check();
    await page.getByLabel('Message to colleagues').fill('Alice is away until Monday.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: /Sieve script ".+" \(active\)/ }).waitFor();
    await shot('28-out-of-office');
    await go('domains/east.example');
    await page.getByRole('link', { name: 'Sieve' }).click();
    await page.getByTestId('domain-script').fill('if header :contains "subject" "[ad]" { fileinto "Ads" }');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('mat-error').filter({ hasText: /line 1/ }).waitFor();
    await page.getByTestId('domain-script').fill('require "fileinto";\nif header :contains "subject" "[ad]" { fileinto "Ads"; }');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Global script saved').waitFor();
    await shot('29-domain-sieve');
    allowed = [/status of 422/];
    noErrors('sieve');
  });

  test('every other page opens without errors', async () => {
    const pages: Array<[string, string, string]> = [
      ['aliases', 'Aliases', '14-aliases'], ['resources', 'Resources', '15-resources'], ['public-folders?domain=east.example', 'Public folders', '16-public-folders'],
      ['mail-flow/dkim?domain=east.example', 'DKIM keys', '17-dkim'], ['mail-flow/policy', 'Spam and relay', '18-spam-relay'],
      ['audit', 'Audit log', '19-audit'], ['settings', 'Settings', '20-settings'], ['accounts/import', 'Import accounts', '21-import'],
      ['filter/verdicts', 'Verdicts', '30-verdicts'], ['shared-mailboxes', 'Shared mailboxes', '36-shared-mailboxes'],
    ];
    for (const [path, heading, name] of pages) {
      await go(path);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await shot(name);
      assert.deepEqual(await unlabeled(), [], `controls without an accessible name on ${path}`);
    }
    for (const path of [
      'dashboard', 'domains', 'accounts', 'accounts/new', 'groups/new', 'admins', 'mail-flow/trace', 'mail-flow/queue',
      'filter/quarantine', 'filter/rules', 'sieve/domains/east.example', 'shared-mailboxes/new',
    ]) {
      await go(path);
      await page.waitForLoadState('networkidle');
      assert.deepEqual(await unlabeled(), [], `controls without an accessible name on ${path}`);
    }
    await go('audit');
    await page.getByRole('table', { name: 'Audit entries' }).getByText('alice@east.example').first().waitFor();
    noErrors('other pages');
  });

  test('an invalid CSV row is reported and nothing is created', async () => {
    await go('accounts/import');
    await page.getByTestId('csv-text').fill('address,displayName\ncarol@east.example,Carol\nnot-an-address,Broken\ndave@west.example,Dave\n');
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await page.getByTestId('import-summary').filter({ hasText: '2 of 3 rows valid, 1 invalid' }).waitFor();
    assert.match(await page.getByRole('table', { name: 'Import report' }).innerText(), /3\s+not-an-address\s+invalid\s+address: must match/);
    assert.equal(await page.getByRole('button', { name: /^Import/ }).isDisabled(), true);
    await shot('22-import-dry-run');
    await go('accounts');
    await page.getByTestId('list-search').fill('carol');
    await page.getByText('No accounts match.').waitFor();
    noErrors('csv import');
  });

  test('a password reset by another admin signs the user out at once, with a clear message, and nothing is resent', async () => {
    await signOut();
    await signIn('alice@east.example', USER_PASSWORD);
    // Her own held mail first (east.example lets users release): she releases the second message herself.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'My held mail' }).click();
    const mine = page.locator('tr[data-subject="Label attached"]');
    await mine.waitFor();
    await shot('31-my-held-mail');
    await mine.getByRole('button', { name: 'Release Label attached' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click();
    await page.getByText('Message released and delivered').waitFor();
    await mine.waitFor({ state: 'detached' });
    noErrors('my held mail');
    await go('accounts');
    await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
    // An admin resets Alice's password elsewhere: AccountService ends her sessions and tokens in the same
    // transaction, and the account event closes her live channel (4401) without waiting for her next click.
    const login = await fetch(`${stoa.base}api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const cookie = login.headers.getSetCookie()[0].split(';')[0];
    const reset = await fetch(`${stoa.base}api/v1/accounts/alice@east.example/password`, { method: 'PUT', headers: { cookie, 'x-stoa-csrf': '1', 'content-type': 'application/json' }, body: JSON.stringify({ password: USER_PASSWORD_NEW }) });
    assert.equal(reset.status, 204);
    await page.waitForURL(/sign-in\?reason=expired/, { timeout: 10_000 });
    await page.getByText(/Your session has ended: .*your password was changed/).waitFor();
    await shot('24-session-ended');
    allowed = [/status of 401/, /WebSocket/];
    noErrors('session ended');
    // The old password no longer works; the new one does, and she returns to the page she was on.
    await page.getByLabel('Login').fill('alice@east.example');
    await page.getByLabel('Password').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /wrong|password/i }).waitFor();
    await page.getByLabel('Password').fill(USER_PASSWORD_NEW);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/accounts/);
    allowed = [/status of 401/];
    noErrors('sign in again');
    await signOut();
    await signIn('admin', ADMIN_PASSWORD);
    await go('accounts');
  });

  test('on a tablet the navigation becomes a drawer', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await go('accounts');
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Groups and lists' }).click();
    await page.getByRole('heading', { name: 'Groups and distribution lists' }).waitFor();
    await page.getByRole('link', { name: 'team@east.example' }).waitFor();
    await shot('23-tablet-groups');
    noErrors('tablet');
  });

  test('when the server goes away the live views are marked stale', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await go('mail-flow/trace');
    await page.getByTestId('trace-state').filter({ hasText: 'Receiving live' }).waitFor();
    await stoa.stop({ keepData: true });
    await page.getByTestId('trace-state').filter({ hasText: 'Stale' }).waitFor();
    await page.getByTestId('live-state').filter({ hasText: 'Stale' }).waitFor();
    await shot('25-stale');
  });
});
