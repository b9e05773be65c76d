// Tables for the pieces of the LDAP integration that take hostile input:
// filter escaping (RFC 4515 §3), login names, objectGUID text, AD bind
// diagnostics, proxyAddresses, and incremental-sync filters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterParser } from 'ldapts';
import { andFilter, equalityFilter, escapeFilterValue, guidToBytes, guidToString, loginForLookup, orFilter } from './ldap-filter.ts';
import { bindRefusal } from './bind-diagnostics.ts';
import { dnKey, laterChange, parseAddressValues } from './directory-entries.ts';
import { changedSince } from './directory-reader.ts';
import { mappingFor } from './mapping-presets.ts';
import { groupLocalPart } from './sync-groups.ts';

test('filter values escape *, (, ), \\ and NUL, so a user name can never change the filter', () => {
  const table: [string, string][] = [
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['alice)(uid=*', 'alice\\29\\28uid=\\2a'],
    ['*)(|(objectClass=*', '\\2a\\29\\28|\\28objectClass=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['nul\u0000byte', 'nul\\00byte'],
    ['tab\there', 'tab\\09here'],
    ['jürgen', 'jürgen'],
  ];
  for (const [input, expected] of table) assert.equal(escapeFilterValue(input), expected, JSON.stringify(input));
});

test('an escaped value parses back as one equality assertion with the literal text', () => {
  for (const hostile of ['*', 'x)(uid=*)', '*)(|(objectClass=*', '(&)', 'a\\2a', ')(']) {
    const filter = FilterParser.parseString(andFilter('(objectClass=user)', orFilter([equalityFilter('sAMAccountName', hostile), equalityFilter('userPrincipalName', hostile)]))) as unknown as { filters: { filters?: { attribute: string; value: string }[] }[] };
    assert.equal(filter.filters.length, 2, hostile);
    const alternatives = filter.filters[1].filters!;
    assert.deepEqual(alternatives.map((f) => [f.attribute, f.value]), [['sAMAccountName', hostile], ['userPrincipalName', hostile]], hostile);
  }
});

test('login names with control characters, empty or overlong are never sent to a directory', () => {
  const table: [string, string | null][] = [
    ['alice', 'alice'], ['  alice  ', 'alice'], ['', null], ['   ', null], ['a\u0000', null], ['a\r\nb', null], ['x'.repeat(257), null], ['x'.repeat(256), 'x'.repeat(256)],
  ];
  for (const [input, expected] of table) assert.equal(loginForLookup(input), expected, JSON.stringify(input).slice(0, 30));
});

test('objectGUID bytes and their text form round-trip (first three fields little-endian)', () => {
  const bytes = Buffer.from('246c18bcbae3e4498adb284e0840d5d8', 'hex');
  assert.equal(guidToString(bytes), 'bc186c24-e3ba-49e4-8adb-284e0840d5d8');
  assert.deepEqual(guidToBytes('bc186c24-e3ba-49e4-8adb-284e0840d5d8'), bytes);
  for (const bad of ['', 'not-a-guid', 'bc186c24e3ba49e48adb284e0840d5d8', 'bc186c24-e3ba-49e4-8adb-284e0840d5d8x']) assert.equal(guidToBytes(bad), null, bad);
});

test('AD bind diagnostics tell the admin why (52e, 533, 775, 532, 701, 773), unknown ones stay generic', () => {
  const table: [string, string][] = [
    ['80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1', 'wrong-password'],
    ['80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 533, v1db1', 'disabled'],
    ['... data 775, v4563', 'locked'],
    ['... data 532, v4563', 'password-expired'],
    ['... data 701, v4563', 'account-expired'],
    ['... data 773, v4563', 'must-change-password'],
    ['... data 525, v4563', 'no-such-user'],
    ['... data 999, v4563', 'invalid-credentials'],
    ['', 'invalid-credentials'],
    ['Account locked', 'locked'],
  ];
  for (const [text, reason] of table) assert.equal(bindRefusal(text), reason, text);
});

test('proxyAddresses: SMTP: is the primary, smtp: the others, other types are ignored; plain values are addresses', () => {
  assert.deepEqual(parseAddressValues(['SMTP:a@x.test', 'smtp:b@x.test', 'X500:/o=corp/cn=a', 'sip:a@x.test', 'smtp:', 'c@x.test', 'garbage']),
    { primary: 'a@x.test', others: ['b@x.test', 'c@x.test'] });
  assert.deepEqual(parseAddressValues(['smtp:b@x.test']), { primary: null, others: ['b@x.test'] });
  assert.deepEqual(parseAddressValues(['SMTP:a@x.test', 'SMTP:second@x.test']), { primary: 'a@x.test', others: ['second@x.test'] });
});

test('incremental filters start after the high-water mark; a bad mark reads everything', () => {
  const ad = mappingFor('active-directory');
  const ol = mappingFor('openldap');
  assert.equal(changedSince(ad, '4001'), '(uSNChanged>=4002)');
  assert.equal(changedSince(ad, null), null);
  assert.equal(changedSince(ad, '40)(x=1'), null);
  assert.equal(changedSince(ol, '20261207165000Z'), '(modifyTimestamp>=20261207165000Z)');
  assert.equal(changedSince(ol, '2026*)('), '(modifyTimestamp>=2026\\2a\\29\\28)');
  assert.equal(laterChange('999', '1000', 'usn'), '1000');
  assert.equal(laterChange('20261207165000Z', '20251207165000Z', 'timestamp'), '20261207165000Z');
});

test('presets can be overridden field by field', () => {
  const m = mappingFor('active-directory', { mailAttribute: 'userPrincipalName', pageSize: 200 });
  assert.equal(m.mailAttribute, 'userPrincipalName');
  assert.equal(m.pageSize, 200);
  assert.equal(m.idAttribute, 'objectGUID');
  assert.equal(mappingFor('freeipa').disabledFilter, '(nsAccountLock=TRUE)');
});

test('DNs compare without case and spacing; group names become local parts', () => {
  assert.equal(dnKey('CN=Alice, OU=Staff,DC=corp'), dnKey('cn=alice,ou=staff, dc=CORP'));
  assert.equal(groupLocalPart('Sales EMEA'), 'sales-emea');
  assert.equal(groupLocalPart('Équipe R&D'), 'equipe-r-d');
  assert.equal(groupLocalPart('***'), 'group');
});
