// Attribute mappings for the directories Stoa meets most: Active Directory
// (and Samba AD), OpenLDAP with inetOrgPerson / RFC 2307 entries, and
// FreeIPA. A connection starts from its kind's preset; every field can be
// overridden (docs/directory-sync.md has the table).
import type { DirectoryKind, DirectoryMapping, DirectoryMappingPatch } from '../../../../shared/src/schemas/directory-sync.ts';

/** LDAP_MATCHING_RULE_BIT_AND (MS-ADTS §3.1.1.3.4.4.1). */
export const MATCHING_RULE_BIT_AND = '1.2.840.113556.1.4.803';
/** LDAP_MATCHING_RULE_IN_CHAIN: transitive group membership, evaluated by the DC (MS-ADTS §3.1.1.3.4.4.3). */
export const MATCHING_RULE_IN_CHAIN = '1.2.840.113556.1.4.1941';

const ACTIVE_DIRECTORY: DirectoryMapping = {
  // Computers are users too in AD (objectClass=computer derives from user).
  userFilter: '(&(objectClass=user)(!(objectClass=computer)))',
  groupFilter: '(objectClass=group)',
  idAttribute: 'objectGUID',
  idBinary: true,
  loginAttributes: ['sAMAccountName', 'userPrincipalName'],
  mailAttribute: 'mail',
  aliasAttributes: ['proxyAddresses'],
  displayNameAttribute: 'displayName',
  // userAccountControl bit 0x2 ACCOUNTDISABLE (MS-ADTS §2.2.16). An intruder lockout (lockoutTime set
  // after too many wrong passwords) is not a disable: the DC refuses the bind while it lasts ("data 775"),
  // so it takes effect at login; the sync leaves the account enabled (see the OpenLDAP note below).
  disabledFilter: `(userAccountControl:${MATCHING_RULE_BIT_AND}:=2)`,
  groupNameAttribute: 'cn',
  groupMailAttribute: 'mail',
  memberAttribute: 'member',
  memberIsDn: true,
  nestedGroups: 'in-chain',
  changeAttribute: 'uSNChanged',
  changeKind: 'usn',
  // AD's MaxPageSize is 1000 by default: larger pages are cut to it.
  pageSize: 1000,
};

const OPENLDAP: DirectoryMapping = {
  userFilter: '(|(objectClass=inetOrgPerson)(objectClass=posixAccount))',
  groupFilter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))',
  // RFC 4530 entryUUID: operational, assigned by the server, stable across renames.
  idAttribute: 'entryUUID',
  idBinary: false,
  loginAttributes: ['uid'],
  mailAttribute: 'mail',
  aliasAttributes: ['mailAlternateAddress'],
  displayNameAttribute: 'displayName',
  // slapo-ppolicy: "000001010000Z" is the permanent lock only an administrator lifts
  // (draft-behera-ldap-password-policy, pwdAccountLockedTime), OpenLDAP's equivalent of a disabled account. Any
  // other value is a temporary lockout after failed binds: slapd refuses the bind while it lasts, so
  // it takes effect at login; the sync does not disable for it (anyone could trigger it, and a
  // disabled account's mail bounces).
  disabledFilter: '(pwdAccountLockedTime=000001010000Z)',
  groupNameAttribute: 'cn',
  groupMailAttribute: 'mail',
  memberAttribute: 'member',
  memberIsDn: true,
  nestedGroups: 'walk',
  changeAttribute: 'modifyTimestamp',
  changeKind: 'timestamp',
  pageSize: 500,
};

const FREEIPA: DirectoryMapping = {
  ...OPENLDAP,
  userFilter: '(objectClass=inetOrgPerson)',
  groupFilter: '(objectClass=groupOfNames)',
  idAttribute: 'ipaUniqueID',
  loginAttributes: ['uid', 'krbPrincipalName'],
  aliasAttributes: [],
  disabledFilter: '(nsAccountLock=TRUE)',
};

export const PRESETS: Readonly<Record<DirectoryKind, DirectoryMapping>> = {
  'active-directory': ACTIVE_DIRECTORY,
  openldap: OPENLDAP,
  freeipa: FREEIPA,
};

/** The effective mapping: the preset with the admin's overrides on top. */
export function mappingFor(kind: DirectoryKind, overrides: DirectoryMappingPatch = {}): DirectoryMapping {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...PRESETS[kind], ...defined } as DirectoryMapping;
}
