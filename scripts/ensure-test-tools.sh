#!/bin/sh
# Installs the Debian packages some tests need (samba-ad-dc with
# samba-ad-provision and ldb-tools: a real Active Directory DC for test/ldap;
# slapd and ldap-utils: OpenLDAP for the same tests; dnsmasq: a real DNS server
# for the `stoa doctor` tests; swaks with Net::SSLeay and IO::Socket::SSL:
# an independent SMTP client, with STARTTLS and implicit TLS, for test/smtp;
# sieve-connect and python3-sievelib: two independent ManageSieve clients for
# test/managesieve; clamav-daemon: a real clamd for the antivirus tests, which
# make their own signature database; spamd + spamassassin: SpamAssassin's
# daemon for the optional-scorer test of test/filter; rspamd: the other
# optional scorer, run by test/filter as a private instance in a temp
# directory, never the system one; vdirsyncer, litmus,
# python3-caldav: DAV clients for test/dav; radicale: the DAV benchmark's
# reference server and a source of the migration tests; samba-ad-dc,
# samba-ad-provision, ldb-tools, slapd, ldap-utils: a real AD DC and OpenLDAP
# for test/ldap; dovecot-imapd and pff-tools: the real IMAP server and PST
# reader the migration tests import from and check against; chromium: the
# browser the console's end-to-end tests and benchmark drive through
# playwright-core, at /usr/bin/chromium; postfix: the SMTP benchmark's
# reference server, /usr/sbin/postfix and /usr/sbin/smtp-source, run as a
# private instance in a temp directory, never the system one; dovecot-lmtpd
# and dovecot-fts-xapian: the LMTP delivery and full-text index of the same
# benchmark's Postfix + rspamd + Dovecot stack, a private Dovecot in a temp
# directory).
# Installs only what is missing, only as root; otherwise says what to install
# and fails, so a test never passes silently.
set -eu

PACKAGES="dnsmasq swaks curl chromium"

find_missing() {
  missing=""
  for pkg in $PACKAGES; do
    command -v "$pkg" >/dev/null 2>&1 || [ -x "/usr/sbin/$pkg" ] || missing="$missing $pkg"
  done
  # swaks needs these Perl modules for -tls / -tlsc; they are not commands.
  perl -MNet::SSLeay -e1 >/dev/null 2>&1 || missing="$missing libnet-ssleay-perl"
  perl -MIO::Socket::SSL -e1 >/dev/null 2>&1 || missing="$missing libio-socket-ssl-perl"
  # test/imap syncs a mailbox both ways with mbsync (Debian package isync), an independent IMAP client.
  command -v mbsync >/dev/null 2>&1 || missing="$missing isync"
  # test/managesieve uploads, checks and activates scripts with both (RFC 5804 clients).
  command -v sieve-connect >/dev/null 2>&1 || missing="$missing sieve-connect"
  [ -f /usr/lib/python3/dist-packages/sievelib/managesieve.py ] || missing="$missing python3-sievelib"
  # test/filter: clamd (Debian clamav-daemon), spamd (Debian spamd, with SpamAssassin's rules) and rspamd.
  [ -x /usr/sbin/clamd ] || missing="$missing clamav-daemon"
  [ -x /usr/sbin/spamd ] || missing="$missing spamd"
  [ -d /usr/share/spamassassin ] || missing="$missing spamassassin"
  [ -x /usr/bin/rspamd ] || missing="$missing rspamd"
  # test/dav: real CalDAV/CardDAV clients and the WebDAV suite; Radicale for the DAV benchmark's comparison.
  command -v vdirsyncer >/dev/null 2>&1 || missing="$missing vdirsyncer"
  command -v litmus >/dev/null 2>&1 || missing="$missing litmus"
  /usr/bin/python3 -c 'import caldav' >/dev/null 2>&1 || missing="$missing python3-caldav"
  command -v radicale >/dev/null 2>&1 || missing="$missing radicale"
  # test/ldap: Samba AD DC (provisioning needs the AD schema files of samba-ad-provision, bulk loads use ldbadd) and OpenLDAP.
  [ -x /usr/sbin/samba ] || missing="$missing samba-ad-dc"
  [ -d /usr/share/samba/setup/ad-schema ] || missing="$missing samba-ad-provision"
  command -v ldbadd >/dev/null 2>&1 || missing="$missing ldb-tools"
  [ -x /usr/sbin/slapd ] || missing="$missing slapd"
  command -v ldapsearch >/dev/null 2>&1 || missing="$missing ldap-utils"
  # test/migration imports from a real Dovecot and a real Radicale, and checks PST reading against libpff's pffexport.
  [ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ] || missing="$missing dovecot-imapd"
  command -v pffexport >/dev/null 2>&1 || missing="$missing pff-tools"
  # test/bench/smtp --target postfix: a private Postfix instance (test/bench/smtp/postfix.ts) and its smtp-source.
  [ -x /usr/sbin/postfix ] && [ -x /usr/sbin/smtp-source ] || missing="$missing postfix"
  # test/bench/smtp --target postfix-stack: Dovecot's LMTP server and its Xapian full-text index (test/bench/smtp/stack.ts).
  [ -x /usr/lib/dovecot/lmtp ] || missing="$missing dovecot-lmtpd"
  [ -f /usr/lib/dovecot/modules/lib21_fts_xapian_plugin.so ] || missing="$missing dovecot-fts-xapian"
}

find_missing
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != "0" ]; then
  echo "ensure-test-tools: missing Debian packages:$missing; install them with: sudo apt-get install -y$missing" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-tools: missing packages:$missing, and apt-get is not available to install them" >&2
  exit 1
fi
# Test files run in parallel and may all arrive here at once: one installs,
# the others wait for it and then find nothing missing (dpkg allows one
# apt-get at a time).
exec 9>"${TMPDIR:-/tmp}/stoa-ensure-test-tools.lock"
flock 9
find_missing
[ -z "$missing" ] && exit 0
echo "ensure-test-tools: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages must not start their system daemons (clamd, spamd, rspamd, dnsmasq, slapd, samba-ad-dc …): tests start
# their own on free ports or loopback addresses. A policy-rc.d that denies every start keeps them off
# (invoke-rc.d, Debian policy §9.3.3).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
fi
# postfix asks how to configure the system instance: "No configuration" leaves /etc/postfix without a
# main.cf, so nothing would deliver mail even if the system instance were started.
if command -v debconf-set-selections >/dev/null 2>&1; then
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
fi
apt-get -o DPkg::Lock::Timeout=300 update -q >&2
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing >&2
