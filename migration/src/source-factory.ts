// Builds the source a job spec names, with its secrets.
import type { JobSecrets, SourceSpec } from './job-spec.ts';
import { emlSource } from './sources/files/eml-source.ts';
import { icsSource, outlookCsvSource, vcfSource } from './sources/files/groupware-file-source.ts';
import { maildirSource } from './sources/files/maildir-source.ts';
import { mboxSource } from './sources/files/mbox-source.ts';
import { imapSource } from './sources/imap/imap-source.ts';
import { davSource } from './sources/dav/dav-source.ts';
import { ewsSource } from './sources/ews/ews-source.ts';
import { pstSource } from './sources/pst/pst-source.ts';
import type { MigrationSource } from './sources/source.ts';

const IMAP_PORTS = { implicit: 993, starttls: 143, none: 143 } as const;

export function createSource(spec: SourceSpec, secrets: JobSecrets): MigrationSource {
  switch (spec.type) {
    case 'imap': {
      const tls = spec.tls ?? 'implicit';
      return imapSource({
        host: spec.host, port: spec.port ?? IMAP_PORTS[tls], tls, verifyCertificate: spec.verifyCertificate,
        admin: spec.adminUser ? { user: spec.adminUser, password: secrets.admin ?? '' } : null,
        oauth: spec.oauth, gmailAllMail: spec.gmailAllMail,
      });
    }
    case 'ews':
      return ewsSource({
        url: spec.url, auth: spec.auth, impersonation: spec.impersonation, adminUser: spec.adminUser ?? null,
        adminSecret: secrets.admin ?? null, verifyCertificate: spec.verifyCertificate,
      });
    case 'dav':
      return davSource({ url: spec.url, carddavUrl: spec.carddavUrl, auth: spec.auth, verifyCertificate: spec.verifyCertificate });
    case 'pst': return pstSource();
    case 'mbox': return mboxSource();
    case 'maildir': return maildirSource();
    case 'eml': return emlSource();
    case 'ics': return icsSource();
    case 'vcf': return vcfSource();
    case 'csv': return outlookCsvSource();
    default:
      throw new Error(`the ${(spec as { type: string }).type} source is not available`);
  }
}
