// Attachment rules (filter.attachments, per-domain policy): executables and
// scripts by extension and by content (a PE "MZ" header whatever the name),
// macro-enabled Office files (by extension, by a vbaProject.bin inside an
// OOXML package, by the _VBA_PROJECT stream name in an OLE2 file), names
// that hide their type, and the same inside ZIP archives, nested up to
// filter.attachments.archives.maxDepth, read with the bounded zip-reader.ts.
// What a blocked attachment does — reject, quarantine, junk, or only score —
// is the recipients' domain policy.
import { extractEntry, looksLikeZip, readZipDirectory, type ZipLimits } from '../zip-reader.ts';
import { hit } from '../rules.ts';
import type { FilterCheck, RuleHit } from '../pipeline-types.ts';
import type { EffectivePolicy } from '../domain-policy.ts';
import type { RuleName, ScoreTable } from '../rules.ts';
import type { CheckDeps } from './check-deps.ts';

const MACRO_EXTENSIONS = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'xlsb', 'xlam', 'pptm', 'potm', 'ppsm', 'ppam', 'sldm']);
const OOXML_EXTENSIONS = new Set(['docx', 'docm', 'dotx', 'dotm', 'xlsx', 'xlsm', 'xltx', 'xltm', 'xlam', 'pptx', 'pptm', 'potx', 'potm', 'ppsx', 'ppsm', 'ppam']);
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const VBA_STREAM = Buffer.from('_VBA_PROJECT', 'utf16le');
/** Nested archives and Office packages are inflated for inspection up to this size. */
const MAX_NESTED_BYTES = 20 * 1024 * 1024;

export interface Finding { rule: RuleName; detail: string; blocks: boolean }

function extension(name: string): string {
  return /\.([a-z0-9_-]{1,16})\s*$/i.exec(name)?.[1]?.toLowerCase() ?? '';
}

interface Inspection {
  policy: EffectivePolicy['attachments'];
  blockEncrypted: boolean;
  limits: ZipLimits & { maxDepth: number };
  findings: Finding[];
}

function inspectName(name: string, where: string, x: Inspection): void {
  const ext = extension(name);
  const label = where ? `${where}/${name}` : name;
  if (ext && x.policy.blockedExtensions.has(ext)) x.findings.push({ rule: 'ATTACH_EXECUTABLE', detail: label, blocks: true });
  if (MACRO_EXTENSIONS.has(ext)) x.findings.push({ rule: 'ATTACH_MACRO', detail: label, blocks: x.policy.blockMacros });
  // "invoice.pdf.exe", or "invoice.pdf                 .scr": a harmless type shown, another one run.
  if (/\.(?:pdf|docx?|xlsx?|jpe?g|png|gif|txt|html?|zip)\s*\.[a-z0-9]{2,4}\s*$/i.test(name) && x.policy.blockedExtensions.has(ext) || /\s{5,}\.[a-z0-9]{2,4}\s*$/i.test(name)) {
    x.findings.push({ rule: 'ATTACH_DOUBLE_EXTENSION', detail: label, blocks: true });
  }
}

function inspectContent(name: string, bytes: Buffer, where: string, depth: number, x: Inspection): void {
  const label = where ? `${where}/${name}` : name;
  // Windows PE/MZ executables, whatever they are called (the blocked list names their extensions).
  if (bytes.length >= 64 && bytes[0] === 0x4d && bytes[1] === 0x5a && x.policy.blockedExtensions.has('exe')) {
    x.findings.push({ rule: 'ATTACH_EXECUTABLE', detail: `${label} (executable content)`, blocks: true });
  }
  if (bytes.subarray(0, 8).equals(OLE2_MAGIC) && bytes.includes(VBA_STREAM)) {
    x.findings.push({ rule: 'ATTACH_MACRO', detail: `${label} (VBA project)`, blocks: x.policy.blockMacros });
  }
  if (!looksLikeZip(bytes)) return;
  if (depth > x.limits.maxDepth) {
    x.findings.push({ rule: 'ATTACH_ARCHIVE_BOMB', detail: `${label}: archives nested deeper than ${x.limits.maxDepth}`, blocks: true });
    return;
  }
  const listing = readZipDirectory(bytes, x.limits);
  if (!listing.ok) {
    x.findings.push({ rule: 'ATTACH_ARCHIVE_BOMB', detail: `${label}: ${listing.problem} (${listing.detail})`, blocks: true });
    return;
  }
  const office = OOXML_EXTENSIONS.has(extension(name));
  for (const entry of listing.entries) {
    if (office) {
      if (/(^|\/)vbaProject\.bin$/i.test(entry.name)) x.findings.push({ rule: 'ATTACH_MACRO', detail: `${label} (vbaProject.bin)`, blocks: x.policy.blockMacros });
      continue;
    }
    if (entry.name.endsWith('/')) continue;
    inspectName(entry.name, label, x);
    if (entry.encrypted) {
      x.findings.push({ rule: 'ATTACH_ENCRYPTED_ARCHIVE', detail: `${label}/${entry.name}`, blocks: x.blockEncrypted });
      continue;
    }
    const ext = extension(entry.name);
    if (ext === 'zip' || OOXML_EXTENSIONS.has(ext) || ext === 'doc' || ext === 'xls' || ext === 'ppt' || ext === '') {
      const inner = extractEntry(bytes, entry, MAX_NESTED_BYTES);
      if (inner) inspectContent(entry.name, inner, label, depth + 1, x);
    }
  }
}

/** Findings for a list of attachments (exported for tests and the bench). */
export function inspectAttachments(
  attachments: ReadonlyArray<{ filename: string; bytes: Buffer }>,
  policy: EffectivePolicy['attachments'],
  config: CheckDeps['config']['filter']['attachments'],
): Finding[] {
  const x: Inspection = { policy, blockEncrypted: config.blockEncryptedArchives, limits: config.archives, findings: [] };
  for (const a of attachments) {
    if (a.filename) inspectName(a.filename, '', x);
    inspectContent(a.filename || 'unnamed', a.bytes, '', 1, x);
  }
  return x.findings;
}

function hitsOf(scores: ScoreTable, findings: Finding[]): RuleHit[] {
  const seen = new Set<string>();
  const hits: RuleHit[] = [];
  for (const f of findings) {
    if (seen.has(f.rule)) continue;
    seen.add(f.rule);
    hits.push(hit(scores, f.rule, findings.filter((g) => g.rule === f.rule).map((g) => g.detail).slice(0, 3).join(', ')));
  }
  return hits;
}

export function attachmentCheck(deps: CheckDeps): FilterCheck {
  const config = deps.config.filter.attachments;
  return {
    name: 'attachments', stage: 'data', directions: ['inbound', 'outbound'], timeoutMs: 10_000, onError: 'defer',
    async run(ctx) {
      if (!config.enabled || !ctx.message) return {};
      const attachments = ctx.message.attachments();
      if (attachments.length === 0) return {};
      const policy = deps.policy.forDomains(deps.policy.domainsOf(ctx)).attachments;
      const findings = inspectAttachments(attachments, policy, config);
      if (findings.length === 0) return {};
      const hits = hitsOf(deps.scores, findings);
      const blocking = findings.find((f) => f.blocks);
      if (!blocking || policy.action === 'score') return { hits };
      const reason = `blocked attachment: ${blocking.detail}`;
      if (policy.action === 'reject') {
        return { hits, decision: { action: 'reject', reason: `Message refused: ${reason}`, smtpCode: 550, enhancedCode: '5.7.1' } };
      }
      return { hits, decision: { action: policy.action, reason } };
    },
  };
}
