// Client autoconfiguration over real HTTP (curl): Thunderbird's XML,
// Outlook's Autodiscover (with hostile XML refused safely) and the Apple
// profile, checked with Python's XML and plist parsers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM, startApi, type Harness } from '../api/harness.ts';
import { run } from '../pop3/harness.ts';

async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const r = await run('curl', ['-s', '-w', '\n%{http_code}', ...args]);
  const i = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(i + 1)), body: r.stdout.slice(0, i) };
}

/** Parses XML with Python (expat, no entity expansion from the network) and prints what the check asks. */
async function python(script: string, input: string): Promise<string> {
  const r = await run('python3', ['-c', script], input);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
 <Request><EMailAddress>&lol9;</EMailAddress></Request>
</Autodiscover>`;

const REQUEST = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>alice@example.org</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;

describe('mail client autoconfiguration', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startApi((c) => {
      c.hostname = 'mail.example.org';
      c.log.level = 'silent';
    });
    base = h.base;
    // Only hosted domains get settings (issue 16 item 22): example.org is served here, with an alias domain.
    await h.directory.domains.create(SYSTEM, { name: 'example.org' });
    await h.directory.domains.create(SYSTEM, { name: 'example-alias.org', aliasOf: 'example.org' });
  });
  after(() => h.close());

  it('serves Thunderbird autoconfig on both paths, with implicit TLS first', async () => {
    for (const path of ['/.well-known/autoconfig/mail/config-v1.1.xml', '/mail/config-v1.1.xml']) {
      const r = await curl([`${base}${path}?emailaddress=alice%40example.org`]);
      assert.equal(r.status, 200);
      const summary = await python(`
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
p = root.find('emailProvider')
print(p.get('id'))
for s in list(p.iter('incomingServer')) + list(p.iter('outgoingServer')):
    print(s.get('type'), s.findtext('hostname'), s.findtext('port'), s.findtext('socketType'), s.findtext('username'))
`, r.body);
      assert.equal(summary, [
        'example.org',
        'imap mail.example.org 1993 SSL %EMAILADDRESS%',
        'imap mail.example.org 1143 STARTTLS %EMAILADDRESS%',
        'pop3 mail.example.org 1995 SSL %EMAILADDRESS%',
        'pop3 mail.example.org 1110 STARTTLS %EMAILADDRESS%',
        'smtp mail.example.org 2465 SSL %EMAILADDRESS%',
        'smtp mail.example.org 2587 STARTTLS %EMAILADDRESS%',
      ].join('\n'));
    }
  });

  it('escapes whatever the address parameter holds', async () => {
    const r = await curl([`${base}/mail/config-v1.1.xml?emailaddress=%3Cx%3E%40%22evil`]);
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.body, /<x>|"evil/);
  });

  it('answers an Outlook Autodiscover request with IMAP, POP3 and SMTP settings', async () => {
    const r = await curl(['-H', 'content-type: text/xml', '--data-binary', REQUEST, `${base}/autodiscover/autodiscover.xml`]);
    assert.equal(r.status, 200);
    const summary = await python(`
import sys, xml.etree.ElementTree as ET
ns = {'a': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'}
root = ET.fromstring(sys.stdin.read())
for p in root.iterfind('.//a:Protocol', ns):
    print(p.findtext('a:Type', namespaces=ns), p.findtext('a:Port', namespaces=ns), p.findtext('a:LoginName', namespaces=ns))
`, r.body);
    assert.match(summary, /^IMAP 1993 alice@example.org\n/);
    assert.match(summary, /\nPOP3 1995 alice@example.org\n/);
    assert.match(summary, /\nSMTP 2587 alice@example.org$/);
  });

  // Refused before any entity is expanded (an expanding parser would not finish within the test's timeout).
  it('refuses a billion-laughs Autodiscover request without expanding it', { timeout: 60_000 }, async () => {
    const r = await curl(['-H', 'content-type: text/xml', '--data-binary', BILLION_LAUGHS, `${base}/autodiscover/autodiscover.xml`]);
    assert.equal(r.status, 400);
    assert.match(r.body, /<ErrorCode>600<\/ErrorCode>/);
    assert.doesNotMatch(r.body, /lol/);
  });

  it('refuses an oversized Autodiscover body and one without an address', async () => {
    const big = `<Autodiscover><Request><EMailAddress>a@b.example</EMailAddress>${' '.repeat(20_000)}</Request></Autodiscover>`;
    assert.equal((await curl(['-H', 'content-type: text/xml', '--data-binary', big, `${base}/autodiscover/autodiscover.xml`])).status, 413);
    const none = await curl(['-H', 'content-type: text/xml', '--data-binary', '<Autodiscover><Request/></Autodiscover>', `${base}/autodiscover/autodiscover.xml`]);
    assert.equal(none.status, 400);
  });

  it('offers an Apple configuration profile that parses as a plist with fresh UUIDs', async () => {
    const script = `
import sys, plistlib
p = plistlib.loads(sys.stdin.buffer.read())
m = p['PayloadContent'][0]
print(p['PayloadType'], m['PayloadType'], m['EmailAccountType'], m['IncomingMailServerHostName'], m['IncomingMailServerPortNumber'], m['OutgoingMailServerPortNumber'], m['EmailAddress'], p['PayloadUUID'] != m['PayloadUUID'])
print(p['PayloadUUID'])
`;
    const first = await curl([`${base}/apple/profile.mobileconfig?email=alice%40example.org`]);
    assert.equal(first.status, 200);
    const [line, uuid] = (await python(script, first.body)).split('\n');
    assert.equal(line, 'Configuration com.apple.mail.managed EmailTypeIMAP mail.example.org 1993 2465 alice@example.org True');
    const second = await python(script, (await curl([`${base}/apple/profile.mobileconfig?email=alice%40example.org`])).body);
    assert.notEqual(second.split('\n')[1], uuid);
    assert.equal((await curl([`${base}/apple/profile.mobileconfig?email=nope`])).status, 400);
  });

  it('answers only for domains hosted here, whether or not the user exists', async () => {
    for (const path of ['/.well-known/autoconfig/mail/config-v1.1.xml', '/mail/config-v1.1.xml']) {
      const gmail = await curl([`${base}${path}?emailaddress=someone%40gmail.com`]);
      assert.equal(gmail.status, 404);
      assert.doesNotMatch(gmail.body, /gmail|mail\.example\.org|<clientConfig/);
      // An unknown user of a hosted domain (and of its alias domain) gets the settings like a known one.
      assert.equal((await curl([`${base}${path}?emailaddress=nobody%40example.org`])).status, 200);
      assert.equal((await curl([`${base}${path}?emailaddress=alice%40example-alias.org`])).status, 200);
    }
    const apple = await curl([`${base}/apple/profile.mobileconfig?email=someone%40gmail.com`]);
    assert.equal(apple.status, 404);
    assert.doesNotMatch(apple.body, /mail\.example\.org/);

    const outlook = await curl(['-H', 'content-type: text/xml', '--data-binary', REQUEST.replace('alice@example.org', 'someone@gmail.com'), `${base}/autodiscover/autodiscover.xml`]);
    assert.equal(outlook.status, 200);
    const error = await python(`
import sys, xml.etree.ElementTree as ET
ns = {'r': 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'}
root = ET.fromstring(sys.stdin.read())
print(root.find('.//r:ErrorCode', ns).text, root.find('.//r:Message', ns).text)
print(len(root.findall('.//{*}Protocol')))
`, outlook.body);
    assert.equal(error, '500 The e-mail address cannot be found.\n0');
  });

  it('answers an ActiveSync Autodiscover request with error 601 instead of Outlook settings', async () => {
    const activeSync = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006">
  <Request>
    <EMailAddress>alice@example.org</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;
    const r = await curl(['-H', 'content-type: text/xml', '--data-binary', activeSync, `${base}/Autodiscover/Autodiscover.xml`]);
    assert.equal(r.status, 200);
    const error = await python(`
import sys, xml.etree.ElementTree as ET
ns = {'r': 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'}
root = ET.fromstring(sys.stdin.read())
print(root.find('.//r:ErrorCode', ns).text, root.find('.//r:Message', ns).text)
print(len(root.findall('.//{*}Protocol')))
`, r.body);
    assert.equal(error, '601 Provider is not available\n0');
  });
});
