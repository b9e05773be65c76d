// Why a directory refused a bind, for the admin log only: a user is always
// told "wrong user name or password", whatever the reason, so the answer
// reveals nothing about the account. Active Directory (and Samba) put the
// Win32 error in the diagnostic message of resultCode 49 (RFC 4511 §4.1.9):
// "80090308: LdapErr: DSID-…, comment: AcceptSecurityContext error, data 52e, v…".

export type BindRefusal =
  | 'wrong-password' | 'no-such-user' | 'disabled' | 'locked' | 'account-expired'
  | 'password-expired' | 'must-change-password' | 'logon-hours' | 'workstation' | 'invalid-credentials';

/** AD "data" sub-codes (MS-ADTS §3.1.1.3.4.1.13 and the Win32 error table). */
const AD_DATA_CODES: Record<string, BindRefusal> = {
  '525': 'no-such-user',
  '52e': 'wrong-password',
  '530': 'logon-hours',
  '531': 'workstation',
  '532': 'password-expired',
  '533': 'disabled',
  '701': 'account-expired',
  '773': 'must-change-password',
  '775': 'locked',
};

export function bindRefusal(diagnostic: string): BindRefusal {
  const m = /\bdata ([0-9a-f]{3,4})\b/i.exec(diagnostic);
  if (m) return AD_DATA_CODES[m[1].toLowerCase()] ?? 'invalid-credentials';
  // OpenLDAP with slapo-ppolicy says little without the password policy control; these phrases appear in its logs and some proxies.
  if (/account (is )?locked/i.test(diagnostic)) return 'locked';
  if (/password (has )?expired/i.test(diagnostic)) return 'password-expired';
  return 'invalid-credentials';
}

/** True for refusals where the account itself is blocked rather than the password wrong. */
export function isAccountBlocked(reason: BindRefusal): boolean {
  return reason === 'disabled' || reason === 'locked' || reason === 'account-expired';
}
