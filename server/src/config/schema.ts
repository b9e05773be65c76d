// The configuration file's JSON Schema (TypeBox) and its defaults. The schema
// describes the fully merged configuration; validate.ts walks it to produce
// messages that name the key path and its source, and the StoaConfig type is
// derived from it (types.ts), so the two cannot drift apart. Every key here
// is documented in docs/configuration.md (test/config/docs.test.ts checks it).
import { hostname } from 'node:os';
import Type, { type Static, type TProperties, type TSchema } from 'typebox';

const Int = (minimum: number, maximum: number, description: string) => Type.Integer({ minimum, maximum, description });
const Str = (description: string, minLength = 1) => Type.String({ minLength, description });
const OneOf = <const V extends string[]>(values: readonly [...V], description: string) => Type.Enum(values, { description });
const Obj = <P extends TProperties>(properties: P) => Type.Object(properties, { additionalProperties: false });

const Port = Int(0, 65535, 'TCP port; 0 picks a free one');
const MAX_MS = 30 * 24 * 3600 * 1000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DmarcMode = OneOf(['enforce', 'quarantine-only', 'monitor'], 'DMARC handling');
const LocalSenderMode = OneOf(['reject', 'junk', 'off'], 'Unauthenticated MX mail from a hosted domain that publishes no SPF or DMARC');
const Zone = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9])?$' });
const CheckName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' });
const CheckSettings = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  timeoutMs: Type.Optional(Int(10, 600_000, 'Check timeout')),
  onError: Type.Optional(OneOf(['defer', 'skip'], 'Failure policy')),
}, { additionalProperties: false });
const Score = (d: string) => Type.Number({ minimum: 0, maximum: 10_000, description: d });
const Thresholds = Obj({
  tag: Score('Score that tags the message'),
  junk: Score('Score that files it in Junk'),
  quarantine: Score('Score that holds it in quarantine; 0 = never'),
  reject: Score('Score refused at SMTP time; 0 = never'),
});
const AttachmentAction = OneOf(['reject', 'quarantine', 'junk', 'score'], 'What a blocked attachment does');
const DomainPolicy = Type.Object({
  thresholds: Type.Optional(Type.Partial(Thresholds)),
  attachments: Type.Optional(Type.Object({
    action: Type.Optional(AttachmentAction),
    blockedExtensions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9_-]+$' }), { maxItems: 1000 })),
    blockMacros: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false })),
  antivirus: Type.Optional(Type.Object({ action: Type.Optional(OneOf(['reject', 'quarantine'], 'Infected mail')) }, { additionalProperties: false })),
  checks: Type.Optional(Type.Record(Type.String(), Type.Object({ enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }))),
  quarantine: Type.Optional(Type.Object({ userRelease: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
}, { additionalProperties: false });

/** Executables and scripts Windows runs on a double click, and installers (Outlook's Level 1 list, abridged). */
export const DEFAULT_BLOCKED_EXTENSIONS = [
  'ade', 'adp', 'app', 'bat', 'chm', 'cmd', 'com', 'cpl', 'dll', 'exe', 'hta', 'inf', 'ins', 'isp', 'jar', 'js', 'jse',
  'lnk', 'msc', 'msi', 'msp', 'mst', 'pif', 'ps1', 'reg', 'scr', 'sct', 'shb', 'shs', 'vb', 'vbe', 'vbs', 'wsc', 'wsf',
  'wsh', 'iso', 'img', 'vhd', 'vhdx', 'appx', 'msix', 'xll', 'library-ms', 'settingcontent-ms',
];

export const configSchema = Obj({
  dataDir: Str('Data directory'),
  hostname: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$', description: 'Host name of this server' }),
  store: Obj({
    driver: OneOf(['sqlite', 'mongodb'], 'Storage backend'),
    sqlite: Obj({
      path: Str('Database file'),
      busyTimeoutMs: Int(0, 600_000, 'Wait for a lock this long'),
    }),
    mongodb: Obj({
      url: Type.Union([Type.String({ minLength: 1, pattern: '^mongodb(\\+srv)?://' }), Type.Null()], { description: 'Connection string' }),
      database: Type.String({ minLength: 1, maxLength: 63, pattern: '^[^/\\\\. "$]+$', description: 'Database name' }),
    }),
    blobs: Obj({
      path: Str('Blob directory'),
      gcGraceHours: Int(1, 24 * 365, 'Keep unreferenced blobs this long'),
      inlineMaxBytes: Int(0, 1024 * 1024, 'Keep bodies up to this size in the database (sqlite driver)'),
    }),
  }),
  listeners: Obj({
    http: Obj({
      enabled: Type.Boolean(),
      host: Str('Address to bind'),
      port: Port,
      trustProxy: Type.Boolean(),
    }),
    smtp: Obj({ enabled: Type.Boolean(), host: Str('Address to bind'), port: Port }),
    submission: Obj({
      enabled: Type.Boolean(),
      host: Str('Address to bind'),
      port: Port,
      allowPlaintextAuth: Type.Boolean({ description: 'AUTH before STARTTLS' }),
    }),
    smtps: Obj({ enabled: Type.Boolean(), host: Str('Address to bind'), port: Port }),
    imap: Obj({
      enabled: Type.Boolean(),
      host: Str('Address to bind'),
      port: Port,
      allowPlaintextAuth: Type.Boolean({ description: 'LOGIN/AUTHENTICATE before STARTTLS' }),
    }),
    imaps: Obj({ enabled: Type.Boolean(), host: Str('Address to bind'), port: Port }),
    pop3: Obj({
      enabled: Type.Boolean(),
      host: Str('Address to bind'),
      port: Port,
      allowPlaintextAuth: Type.Boolean({ description: 'USER/PASS and AUTH before STLS' }),
    }),
    pop3s: Obj({ enabled: Type.Boolean(), host: Str('Address to bind'), port: Port }),
    managesieve: Obj({
      enabled: Type.Boolean(),
      host: Str('Address to bind'),
      port: Port,
      allowPlaintextAuth: Type.Boolean({ description: 'AUTHENTICATE before STARTTLS' }),
    }),
  }),
  connections: Obj({
    maxTotal: Int(1, 1_000_000, 'Simultaneous connections over every mail listener together'),
  }),
  auth: Obj({
    argon2: Obj({
      // RFC 9106 §3.1 bounds; memory must be at least 8 × parallelism KiB.
      memoryKiB: Int(8, 4_194_304, 'argon2id memory'),
      passes: Int(1, 100, 'argon2id iterations'),
      parallelism: Int(1, 64, 'argon2id lanes'),
    }),
    // Successful argon2id checks remembered (directory/verified-password-cache.ts); entries 0 turns it off.
    verifiedCache: Obj({
      entries: Int(0, 1_000_000, 'Verified passwords remembered'),
      ttlSeconds: Int(0, 86_400, 'How long a verified password is remembered'),
    }),
    // Below 8 would be weaker than what the API schema already enforces.
    minPasswordLength: Int(8, 1024, 'Minimum password length'),
    throttle: Obj({
      ipFreeFailures: Int(0, 1_000_000, 'Free failures per IP'),
      accountFreeFailures: Int(0, 1_000_000, 'Free failures per account'),
      baseDelayMs: Int(0, MAX_MS, 'First delay'),
      maxDelayMs: Int(0, MAX_MS, 'Longest delay'),
      windowMs: Int(1000, MAX_MS, 'Memory of failures'),
      knownClientDays: Int(1, 3650, 'A login from an address makes it known to the account for this long'),
      knownClientsPerAccount: Int(1, 10_000, 'Most recent client addresses remembered per account'),
      maxConcurrentPerIp: Int(1, 1000, 'Password checks running at once for one client address'),
      maxConcurrentPerAccount: Int(1, 1000, 'Password checks running at once for one account'),
    }),
  }),
  smtp: Obj({
    // RFC 5321 §4.5.3.1.10: at least 64 KiB; beyond 1 GiB a single message is not mail.
    maxMessageBytes: Int(65_536, 1024 * 1024 * 1024, 'Largest message (SIZE)'),
    // RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted.
    maxRecipients: Int(100, 100_000, 'Recipients per message'),
    maxConnections: Int(1, 100_000, 'Simultaneous SMTP connections'),
    maxConnectionsPerIp: Int(1, 100_000, 'Simultaneous SMTP connections per client IP'),
    maxConnectionsPerNetwork: Int(1, 100_000, 'Simultaneous SMTP connections per IPv4 /24 or IPv6 /64'),
    busyIdleTimeoutMs: Int(1000, 3_600_000, 'Idle time before MAIL FROM while the listeners are under pressure'),
    // RFC 5321 §4.5.3.2.7: the server waits at least 5 minutes for a command.
    socketTimeoutMs: Int(1000, 3_600_000, 'Idle time before the connection is closed'),
    harvest: Obj({
      freeUnknownRecipients: Int(0, 10_000, 'Unknown recipients before delays start'),
      delayMs: Int(0, 60_000, 'First delay; doubles with each further unknown recipient'),
      maxUnknownRecipients: Int(1, 10_000, 'Unknown recipients before the client is cut off'),
    }),
    duplicateWindowMs: Int(0, 7 * 24 * 3600 * 1000, 'Collapse repeated deliveries of one Message-ID'),
    spoolMemoryBytes: Int(0, 64 * 1024 * 1024, 'Messages up to this size are spooled in memory'),
    earlyTalkerDelayMs: Int(0, 10_000, 'MX: hold the banner this long and refuse clients that talk first; 0 = banner at once'),
  }),
  imap: Obj({
    maxConnections: Int(1, 1_000_000, 'Simultaneous IMAP connections (imap and imaps together)'),
    maxConnectionsPerIp: Int(1, 100_000, 'Simultaneous IMAP connections per client IP'),
    maxSessionsPerAccountIp: Int(1, 10_000, 'Logged-in IMAP sessions of one account from one client IP'),
    preAuthTimeoutSeconds: Int(5, 3600, 'Time to log in'),
  }),
  pop3: Obj({
    maxConnections: Int(1, 1_000_000, 'Simultaneous POP3 connections (pop3 and pop3s together)'),
    maxConnectionsPerIp: Int(1, 100_000, 'Simultaneous POP3 connections per client IP'),
    preAuthTimeoutSeconds: Int(5, 3600, 'Time to log in'),
    // RFC 1939 §3: the autologout timer MUST be at least 10 minutes.
    idleTimeoutSeconds: Int(600, 86_400, 'Idle time before the connection is closed'),
    keepDeleted: Type.Boolean({ description: 'DELE hides messages from POP3 instead of deleting them' }),
    markSeen: Type.Boolean({ description: 'Messages retrieved with RETR get \\Seen at QUIT' }),
  }),
  managesieve: Obj({
    maxConnections: Int(1, 100_000, 'Simultaneous ManageSieve connections'),
    maxConnectionsPerIp: Int(1, 100_000, 'Simultaneous ManageSieve connections per client IP'),
    maxSessionsPerAccountIp: Int(1, 10_000, 'Logged-in ManageSieve sessions of one account from one client IP'),
    preAuthTimeoutSeconds: Int(5, 3600, 'Time to log in'),
    idleTimeoutSeconds: Int(60, 86_400, 'Idle time before the connection is closed'),
  }),
  sieve: Obj({
    maxScripts: Int(1, 1000, 'Scripts per account'),
    maxScriptBytes: Int(1024, 1024 * 1024, 'Largest script'),
    maxInstructions: Int(100, 1_000_000, 'Steps per delivery'),
    maxRedirects: Int(0, 100, 'Redirects per message'),
    maxActions: Int(1, 1000, 'Actions per message'),
    vacationDefaultDays: Int(1, 365, 'Default vacation period'),
    vacationMinSeconds: Int(0, 30 * 86_400, 'Shortest vacation period'),
    vacationMaxDays: Int(1, 365, 'Longest vacation period'),
    allowExternalRedirect: Type.Boolean({ description: 'Redirects to outside addresses' }),
  }),
  mail: Obj({
    expungeLogRetentionDays: Int(1, 3650, 'Keep QRESYNC expunge-log entries this long'),
    acl: Obj({
      crossDomain: Type.Boolean({ description: '"anyone", "authenticated" and ACL identifiers reach other domains' }),
      lookupMissesPerHour: Int(1, 1_000_000, 'Unknown ACL identifiers an account may name per hour'),
    }),
    sharedMailboxes: Obj({
      imapPrefix: OneOf(['Other Users', 'Shared'], 'IMAP namespace prefix of shared mailboxes opened through full access'),
      maxGrantsPerMailbox: Int(1, 100_000, 'Delegation grants one mailbox may carry'),
    }),
    limits: Obj({
      keywordsPerMailbox: Int(1, 10_000, 'Distinct keywords in one mailbox'),
      keywordBytes: Int(1, 1000, 'Octets of one keyword'),
      mailboxesPerAccount: Int(1, 1_000_000, 'Mailboxes of one account'),
      mailboxNameBytes: Int(1, 1000, 'Octets of a mailbox path'),
      mailboxDepth: Int(1, 1000, 'Levels of a mailbox path'),
    }),
  }),
  dav: Obj({
    enabled: Type.Boolean({ description: 'Serve CalDAV and CardDAV under /dav/ on the HTTP listener' }),
    plaintextAuth: OneOf(['refuse', 'loopback', 'allow'], 'Basic authentication over plain HTTP'),
    maxRequestBytes: Int(1024, 100 * 1024 * 1024, 'Largest DAV request body'),
    maxResourceBytes: Int(1024, 100 * 1024 * 1024, 'Largest calendar or address object'),
    maxInstances: Int(10, 1_000_000, 'Recurrence instances one object may have or one expansion produce'),
    maxExpandDays: Int(1, 100 * 366, 'Widest time range expanded (expand, limit-recurrence-set, free-busy)'),
    maxMultigetHrefs: Int(1, 100_000, 'hrefs in one multiget'),
    authCacheSeconds: Int(0, 3600, 'Keep a verified Basic credential this long'),
    directoryMaxEntries: Int(0, 1_000_000, 'Entries of the global address list'),
    tombstoneRetentionDays: Int(1, 3650, 'Keep deletions in the sync log this long'),
    scheduleInboxMaxItems: Int(0, 100_000, 'Scheduling messages one schedule inbox keeps (the oldest go first)'),
    imipMaxMessageBytes: Int(1024, 100 * 1024 * 1024, 'Largest delivered message whose calendar part is applied (iMIP)'),
    maxGrants: Int(1, 100_000, 'Shares of one calendar or address book, and calendar delegates of one owner'),
    maxCollections: Int(1, 1_000_000, 'Calendars, address books and folders of one owner'),
    maxObjectsPerCollection: Int(1, 10_000_000, 'Objects of one calendar, address book or folder'),
  }),
  directory: Obj({
    defaultQuotaBytes: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Default account quota of a new domain; 0 = unlimited' }),
    defaultQuotaMessages: Int(0, 2_147_483_647, 'Default message-count quota of a new domain; 0 = unlimited'),
    // External directories (LDAP/AD, docs/directory-sync.md).
    secretKeyFile: Str('Key that seals stored bind passwords'),
    scheduler: Obj({
      enabled: Type.Boolean({ description: 'Run scheduled directory syncs in this process' }),
      tickMs: Int(1000, 3_600_000, 'How often due syncs are looked for'),
    }),
    historyRuns: Int(1, 100_000, 'Sync runs kept per connection'),
    loginPool: Obj({
      size: Int(1, 64, 'Pooled LDAP connections per directory connection for logins'),
      idleSeconds: Int(1, 3600, 'An unused pooled connection is closed after this long'),
    }),
  }),
  api: Obj({
    sessionTtlHours: Int(1, 24 * 366, 'Session lifetime'),
    bodyLimitBytes: Int(1024, 1024 * 1024 * 1024, 'Largest request body'),
    cookieSecure: OneOf(['auto', 'always', 'never'], 'Secure flag on the session cookie'),
    maxConnections: Int(1, 100_000, 'Simultaneous HTTP connections (outside connections.maxTotal)'),
    maxConnectionsPerIp: Int(1, 100_000, 'Simultaneous HTTP connections per client IP'),
    metrics: Obj({
      access: OneOf(['loopback', 'token', 'public'], 'Who may read /metrics'),
      token: Type.Union([Type.String({ minLength: 16, maxLength: 512, pattern: '^[A-Za-z0-9._~+/=-]+$' }), Type.Null()], { description: 'Bearer token for /metrics' }),
    }),
  }),
  console: Obj({
    enabled: Type.Boolean({ description: 'Serve the admin console at /admin' }),
    distDir: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'Built console (index.html and assets); null = dist/console/browser of the installation' }),
    liveMaxClients: Int(1, 10_000, 'Live-channel WebSocket subscribers allowed at once'),
    liveIntervalMs: Int(250, 60_000, 'How often live counters are sent'),
    liveMaxBufferedBytes: Int(16 * 1024, 64 * 1024 * 1024, 'Unsent bytes per live client before events are dropped'),
  }),
  firstStart: Obj({
    adminPassword: Type.Union([Type.String({ minLength: 8, maxLength: 1024 }), Type.Null()]),
    adminLogin: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
    demo: Obj({
      enabled: Type.Boolean(),
      domain: Type.String({ minLength: 1, maxLength: 253, pattern: '^[^\\s@]+\\.[^\\s@]+$' }),
      password: Type.Union([Type.String({ minLength: 8, maxLength: 1024 }), Type.Null()]),
    }),
  }),
  dns: Obj({
    servers: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 16 }),
    timeoutMs: Int(100, 120_000, 'Per-query timeout'),
    hostsFile: Type.Union([Str('Hosts file answering reverse lookups locally'), Type.Null()]),
  }),
  log: Obj({
    level: OneOf(LOG_LEVELS, 'Minimum level written'),
    pretty: Type.Boolean(),
  }),
  tls: Obj({
    certFile: Type.Union([Str('PEM certificate chain'), Type.Null()]),
    keyFile: Type.Union([Str('PEM private key'), Type.Null()]),
    minVersion: OneOf(['TLSv1.2', 'TLSv1.3'], 'Oldest TLS version accepted'),
  }),
  mailAuth: Obj({
    dmarcPolicy: DmarcMode,
    overrides: Type.Record(Type.String(), DmarcMode, { description: 'DMARC handling per author domain' }),
    dkimEd25519: Type.Boolean(),
    localSenders: LocalSenderMode,
    localSendersDomains: Type.Record(Type.String(), LocalSenderMode, { description: 'localSenders per hosted domain' }),
  }),
  filter: Obj({
    ipAllow: Type.Array(Str('CIDR'), { maxItems: 10_000 }),
    ipDeny: Type.Array(Str('CIDR'), { maxItems: 10_000 }),
    dnsbl: Obj({
      zones: Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9])?$' }), { maxItems: 32 }),
      timeoutMs: Int(100, 60_000, 'Per-query timeout'),
      action: OneOf(['reject', 'junk'], 'What a listing does'),
    }),
    greylist: Obj({
      enabled: Type.Boolean(),
      delaySeconds: Int(0, 86_400, 'Retry no sooner than this'),
      retryWindowHours: Int(1, 24 * 30, 'Forget unretried attempts after this'),
      autoWhitelistAfter: Int(0, 1_000_000, 'Passes before a network is whitelisted; 0 = never'),
      whitelistDays: Int(1, 3650, 'Whitelist lifetime'),
    }),
    rateLimit: Obj({
      messagesPerHour: Int(0, 10_000_000, 'Messages per account per hour; 0 = unlimited'),
    }),
    enabled: Type.Boolean({ description: 'Run the filter pipeline' }),
    order: Type.Array(CheckName, { maxItems: 100, description: 'Check run order' }),
    checks: Type.Record(Type.String(), CheckSettings, { description: 'Per-check overrides' }),
    scores: Type.Record(Type.String(), Type.Number({ minimum: -1000, maximum: 10_000 }), { description: 'Rule score overrides' }),
    thresholds: Thresholds,
    maxScanBytes: Int(64 * 1024, 1024 * 1024 * 1024, 'Bytes of a message the content checks parse'),
    maxReceived: Int(1, 1000, 'Received: fields before TOO_MANY_RECEIVED'),
    expectedScripts: Type.Array(OneOf(['Latin', 'Cyrillic', 'Greek', 'Arabic', 'Hebrew', 'Han', 'Japanese', 'Hangul', 'Thai', 'Devanagari'], 'A writing system'), {
      maxItems: 10, description: 'Writing systems the users read; text mostly in others scores TEXT_SCRIPT_UNEXPECTED. Empty: any',
    }),
    uribl: Obj({
      zones: Type.Array(Zone, { maxItems: 32 }),
      timeoutMs: Int(100, 60_000, 'Per-query timeout'),
      maxDomains: Int(1, 1000, 'Linked domains looked up per message'),
    }),
    bayes: Obj({
      enabled: Type.Boolean(),
      minMessages: Int(1, 1_000_000, 'Trained messages of each class before the classifier scores'),
      fullWeightMessages: Int(1, 1_000_000, 'Trained messages of each class for the BAYES_* rules to count in full'),
      maxTokens: Int(10, 10_000, 'Most interesting tokens used per message'),
    }),
    antivirus: Obj({
      enabled: Type.Boolean(),
      socket: Type.Union([Str('clamd Unix socket'), Type.Null()]),
      host: Str('clamd host'),
      port: Int(1, 65535, 'clamd TCP port'),
      timeoutMs: Int(100, 600_000, 'Scan timeout'),
      failure: OneOf(['open', 'closed'], 'When clamd fails: deliver unscanned (open) or defer (closed)'),
      action: OneOf(['reject', 'quarantine'], 'What an infected message gets'),
    }),
    attachments: Obj({
      enabled: Type.Boolean(),
      action: AttachmentAction,
      blockedExtensions: Type.Array(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9_-]+$' }), { maxItems: 1000 }),
      blockMacros: Type.Boolean(),
      blockEncryptedArchives: Type.Boolean(),
      archives: Obj({
        maxEntries: Int(1, 1_000_000, 'Entries listed per archive'),
        maxDepth: Int(0, 10, 'Archives inside archives'),
        maxUncompressedBytes: Int(1024, 10 * 1024 * 1024 * 1024, 'Declared uncompressed size of one archive'),
        maxRatio: Int(2, 100_000, 'Compression ratio of one entry'),
      }),
    }),
    rspamd: Obj({
      url: Type.Union([Type.String({ minLength: 1, pattern: '^https?://' }), Type.Null()], { description: 'rspamd controller/normal worker URL' }),
      password: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
      timeoutMs: Int(100, 600_000, 'rspamd timeout'),
    }),
    spamd: Obj({
      host: Type.Union([Str('spamd host'), Type.Null()]),
      port: Int(1, 65535, 'spamd port'),
      socket: Type.Union([Str('spamd Unix socket'), Type.Null()]),
      timeoutMs: Int(100, 600_000, 'spamd timeout'),
      user: Type.Union([Str('spamd user'), Type.Null()]),
    }),
    quarantine: Obj({
      retentionDays: Int(1, 3650, 'Held messages are deleted after this'),
      userRelease: Type.Boolean({ description: 'Users manage their own held messages' }),
      digest: Obj({ enabled: Type.Boolean(), hourUtc: Int(0, 23, 'Hour (UTC) of the daily digest') }),
    }),
    outbound: Obj({
      enabled: Type.Boolean(),
      rejectScore: Type.Number({ minimum: 0, maximum: 10_000, description: 'Refuse submitted mail at this score; 0 = never' }),
      lockAfter: Int(0, 1_000_000, 'Refused messages per hour before the account is locked; 0 = never'),
      lockMinutes: Int(1, 100_000, 'Lock length'),
    }),
    verdictRetentionDays: Int(1, 3650, 'Stored verdicts kept this long'),
    domains: Type.Record(Type.String(), DomainPolicy, { description: 'Per-domain policy' }),
  }),
  queue: Obj({
    // RFC 5321 §4.5.4.1: give up after at least 4-5 days; beyond 30 days nobody is waiting.
    lifetimeMs: Int(60_000, MAX_MS, 'Message lifetime in the queue'),
    retryScheduleMs: Type.Array(Int(1000, MAX_MS, 'Delay after a deferral'), { maxItems: 50 }),
    retryIntervalMs: Int(1000, MAX_MS, 'Delay after later deferrals'),
    delayNoticeAfterMs: Int(0, MAX_MS, 'Age for the delay notice'),
    dsnFullMessageMaxBytes: Int(0, 1024 * 1024 * 1024, 'Full original in failure notices up to this size'),
    completedRetentionMs: Int(0, 365 * 24 * 3600 * 1000, 'Completed messages kept for inspection'),
    remotePort: Int(1, 65535, 'Destination port of MX hosts'),
    smarthost: Obj({
      host: Type.Union([
        Type.String({ minLength: 1, maxLength: 253, pattern: '^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$' }),
        Type.Null(),
      ], { description: 'Relay host; null = direct MX delivery' }),
      port: Int(1, 65535, 'Smarthost port'),
      tls: OneOf(['none', 'starttls', 'tls'], 'TLS to the smarthost'),
      tlsVerify: Type.Boolean({ description: 'Check the smarthost certificate' }),
      auth: Obj({
        user: Type.Union([Type.String({ minLength: 1, maxLength: 1024 }), Type.Null()]),
        password: Type.Union([Type.String({ minLength: 1, maxLength: 1024 }), Type.Null()]),
      }),
    }),
    limits: Obj({
      globalConnections: Int(1, 10_000, 'Simultaneous outbound sessions'),
      perDomainConnections: Int(1, 10_000, 'Simultaneous sessions per destination'),
    }),
    timeouts: Obj({
      connectMs: Int(100, 600_000, 'TCP connect timeout'),
      // RFC 5321 §4.5.3.2: 5 minutes for the greeting, 2-10 minutes for replies.
      greetingMs: Int(100, 3_600_000, 'Wait for the 220 greeting'),
      socketMs: Int(100, 3_600_000, 'Inactivity limit'),
    }),
    worker: Obj({
      enabled: Type.Boolean({ description: 'Run the delivery worker in this process' }),
      leaseMs: Int(10_000, 24 * 3600 * 1000, 'Lease length'),
      pollIntervalMs: Int(100, 3_600_000, 'Longest sleep between scans'),
      batchSize: Int(1, 10_000, 'Groups per claim'),
      stopTimeoutMs: Int(0, 600_000, 'Grace period of a stop'),
    }),
  }),
  migration: Obj({
    maxJobs: Int(1, 64, 'Migration jobs run at once by this server'),
    spoolDir: Type.Union([Str('Spool directory'), Type.Null()], { description: 'Where large messages wait while they are imported; null = the OS temp directory' }),
    jobRetentionDays: Int(1, 3650, 'Finished migration jobs kept'),
    maxMessageBytes: Int(65_536, 4 * 1024 * 1024 * 1024, 'Largest message an import stores'),
  }),
});

/** The validated configuration every module receives (its slices are named in types.ts). */
export type StoaConfig = Static<typeof configSchema>;

/**
 * Defaults before paths are resolved: `dataDir` is relative to the working
 * directory, the store paths relative to `dataDir` (see load.ts).
 */
export function defaultConfig(): StoaConfig {
  return {
    dataDir: './data',
    hostname: hostname() || 'localhost',
    store: {
      driver: 'sqlite',
      sqlite: { path: 'stoa.db', busyTimeoutMs: 5000 },
      mongodb: { url: null, database: 'stoa' },
      blobs: { path: 'blobs', gcGraceHours: 24, inlineMaxBytes: 128 * 1024 },
    },
    listeners: {
      http: { enabled: true, host: '0.0.0.0', port: 8080, trustProxy: false },
      smtp: { enabled: true, host: '0.0.0.0', port: 2525 },
      submission: { enabled: true, host: '0.0.0.0', port: 2587, allowPlaintextAuth: false },
      smtps: { enabled: true, host: '0.0.0.0', port: 2465 },
      imap: { enabled: true, host: '0.0.0.0', port: 1143, allowPlaintextAuth: false },
      imaps: { enabled: true, host: '0.0.0.0', port: 1993 },
      pop3: { enabled: true, host: '0.0.0.0', port: 1110, allowPlaintextAuth: false },
      pop3s: { enabled: true, host: '0.0.0.0', port: 1995 },
      // RFC 5804 §1.8: 4190 is unprivileged, so the first run and production share it.
      managesieve: { enabled: true, host: '0.0.0.0', port: 4190, allowPlaintextAuth: false },
    },
    // Below the usual 20,000-65,536 open-file limits with room for HTTP (api.maxConnections) and the store; lowered at start-up to fit.
    connections: { maxTotal: 4000 },
    smtp: {
      maxMessageBytes: 50 * 1024 * 1024,
      maxRecipients: 100,
      maxConnections: 1000,
      maxConnectionsPerIp: 20,
      // Issue 16: 55 addresses of one network held the MX slots; Postfix's stress mode cuts smtpd_timeout to 10 s.
      maxConnectionsPerNetwork: 50,
      busyIdleTimeoutMs: 10_000,
      socketTimeoutMs: 300_000,
      harvest: { freeUnknownRecipients: 3, delayMs: 1000, maxUnknownRecipients: 10 },
      duplicateWindowMs: 600_000,
      spoolMemoryBytes: 1024 * 1024,
      // Postscreen-style pregreet checks delay every honest sender; off unless asked for (issue 16 item 16).
      earlyTalkerDelayMs: 0,
    },
    auth: {
      // OWASP Password Storage Cheat Sheet: argon2id m=19 MiB, t=2, p=1.
      argon2: { memoryKiB: 19456, passes: 2, parallelism: 1 },
      // Dovecot's auth_cache_ttl is one hour too.
      verifiedCache: { entries: 10_000, ttlSeconds: 3600 },
      minPasswordLength: 8,
      throttle: {
        ipFreeFailures: 10, accountFreeFailures: 5, baseDelayMs: 1000, maxDelayMs: 900_000, windowMs: 3_600_000,
        // Longer than any session (api.sessionTtlHours), so a client with a valid session is known (issue 16 item 4).
        knownClientDays: 30, knownClientsPerAccount: 50, maxConcurrentPerIp: 8, maxConcurrentPerAccount: 4,
      },
    },
    // Dovecot's mail_max_userip_connections is 10; a NAT office shares one address, hence the roomier per-IP caps.
    imap: { maxConnections: 2000, maxConnectionsPerIp: 50, maxSessionsPerAccountIp: 10, preAuthTimeoutSeconds: 30 },
    // Dovecot and Exchange mark what POP3 retrieved as seen (issue 16 item 23).
    pop3: { maxConnections: 500, maxConnectionsPerIp: 20, preAuthTimeoutSeconds: 30, idleTimeoutSeconds: 600, keepDeleted: false, markSeen: true },
    // A mailbox without a limit lets one account fill the disk (issue 16 item 15).
    managesieve: { maxConnections: 200, maxConnectionsPerIp: 10, maxSessionsPerAccountIp: 5, preAuthTimeoutSeconds: 30, idleTimeoutSeconds: 1800 },
    // Dovecot Pigeonhole's defaults where they exist (sieve_max_redirects 4, vacation 1 day minimum is ours: 1 hour).
    sieve: {
      maxScripts: 20, maxScriptBytes: 64 * 1024, maxInstructions: 10_000, maxRedirects: 4, maxActions: 32,
      vacationDefaultDays: 7, vacationMinSeconds: 3600, vacationMaxDays: 90, allowExternalRedirect: true,
    },
    mail: {
      expungeLogRetentionDays: 30,
      acl: { crossDomain: false, lookupMissesPerHour: 20 },
      sharedMailboxes: { imapPrefix: 'Other Users', maxGrantsPerMailbox: 1000 },
      limits: { keywordsPerMailbox: 128, keywordBytes: 128, mailboxesPerAccount: 2000, mailboxNameBytes: 1000, mailboxDepth: 32 },
    },
    dav: {
      enabled: true, plaintextAuth: 'refuse', maxRequestBytes: 10 * 1024 * 1024, maxResourceBytes: 1024 * 1024, maxInstances: 10_000,
      maxExpandDays: 3660, maxMultigetHrefs: 1000, authCacheSeconds: 60, directoryMaxEntries: 5000, tombstoneRetentionDays: 90,
      scheduleInboxMaxItems: 200, imipMaxMessageBytes: 4 * 1024 * 1024, maxGrants: 1000,
      maxCollections: 1000, maxObjectsPerCollection: 100_000,
    },
    directory: {
      defaultQuotaBytes: 10 * 1024 ** 3, defaultQuotaMessages: 0,
      secretKeyFile: 'keys/directory.key',
      scheduler: { enabled: true, tickMs: 60_000 },
      historyRuns: 200,
      loginPool: { size: 4, idleSeconds: 60 },
    },
    api: {
      sessionTtlHours: 12, bodyLimitBytes: 1024 * 1024, cookieSecure: 'auto',
      // Its own pool outside connections.maxTotal: the reserve that keeps the API and probes answering.
      maxConnections: 256, maxConnectionsPerIp: 64,
      // Counters name accounts' protocols and the server's load: not for everyone (issue 16 item 12).
      metrics: { access: 'loopback', token: null },
    },
    console: { enabled: true, distDir: null, liveMaxClients: 50, liveIntervalMs: 2000, liveMaxBufferedBytes: 1024 * 1024 },
    firstStart: {
      adminPassword: null,
      adminLogin: 'admin',
      demo: { enabled: true, domain: 'demo.stoa.test', password: null },
    },
    dns: { servers: [], timeoutMs: 5000, hostsFile: '/etc/hosts' },
    log: { level: 'info', pretty: false },
    tls: { certFile: null, keyFile: null, minVersion: 'TLSv1.2' },
    mailAuth: { dmarcPolicy: 'enforce', overrides: {}, dkimEd25519: false, localSenders: 'reject', localSendersDomains: {} },
    filter: {
      ipAllow: [],
      ipDeny: [],
      dnsbl: { zones: [], timeoutMs: 2000, action: 'reject' },
      // Five minutes is what most greylisting implementations (postgrey) use;
      // legitimate MTAs retry within 15-30 minutes (RFC 5321 §4.5.4.1).
      greylist: { enabled: false, delaySeconds: 300, retryWindowHours: 48, autoWhitelistAfter: 5, whitelistDays: 35 },
      rateLimit: { messagesPerHour: 500 },
      enabled: true,
      order: [],
      checks: {},
      scores: {},
      // SpamAssassin's required_score: 5 files in Junk; rejection at 15 keeps
      // SMTP-time refusals for the obvious, where a false positive is unlikely.
      thresholds: { tag: 3, junk: 5, quarantine: 0, reject: 15 },
      maxScanBytes: 10 * 1024 * 1024,
      maxReceived: 25,
      expectedScripts: [],
      uribl: { zones: [], timeoutMs: 2000, maxDomains: 20 },
      bayes: { enabled: true, minMessages: 10, fullWeightMessages: 200, maxTokens: 150 },
      antivirus: { enabled: false, socket: null, host: '127.0.0.1', port: 3310, timeoutMs: 30_000, failure: 'closed', action: 'reject' },
      attachments: {
        enabled: true, action: 'reject', blockedExtensions: [...DEFAULT_BLOCKED_EXTENSIONS], blockMacros: true, blockEncryptedArchives: false,
        archives: { maxEntries: 10_000, maxDepth: 2, maxUncompressedBytes: 1024 * 1024 * 1024, maxRatio: 1000 },
      },
      rspamd: { url: null, password: null, timeoutMs: 15_000 },
      spamd: { host: null, port: 783, socket: null, timeoutMs: 15_000, user: null },
      quarantine: { retentionDays: 30, userRelease: false, digest: { enabled: false, hourUtc: 7 } },
      outbound: { enabled: true, rejectScore: 10, lockAfter: 3, lockMinutes: 60 },
      verdictRetentionDays: 30,
      domains: {},
    },
    // Mirrors DEFAULT_QUEUE_CONFIG (queue/queue-config.ts); docs/queue.md explains each value.
    queue: {
      lifetimeMs: 5 * DAY,
      retryScheduleMs: [5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 40 * MINUTE, 80 * MINUTE],
      retryIntervalMs: 2 * HOUR,
      delayNoticeAfterMs: 4 * HOUR,
      dsnFullMessageMaxBytes: 1024 * 1024,
      completedRetentionMs: 7 * DAY,
      remotePort: 25,
      smarthost: { host: null, port: 587, tls: 'starttls', tlsVerify: true, auth: { user: null, password: null } },
      limits: { globalConnections: 100, perDomainConnections: 10 },
      timeouts: { connectMs: 30_000, greetingMs: 5 * MINUTE, socketMs: 5 * MINUTE },
      worker: { enabled: true, leaseMs: 15 * MINUTE, pollIntervalMs: 30_000, batchSize: 50, stopTimeoutMs: 30_000 },
    },
    migration: { maxJobs: 1, spoolDir: null, jobRetentionDays: 90, maxMessageBytes: 256 * 1024 * 1024 },
  };
}

/** Every leaf key path of the configuration ("listeners.http.port"), from the schema. */
export function configKeyPaths(schema: TSchema = configSchema as TSchema, prefix = ''): string[] {
  const s = schema as { type?: string; properties?: Record<string, TSchema>; patternProperties?: unknown };
  // A map (mailAuth.overrides) has keys the operator chooses: no fixed leaves.
  if (s.type === 'object' && s.patternProperties) return [];
  if (s.type !== 'object' || !s.properties) return [prefix];
  return Object.entries(s.properties).flatMap(([key, sub]) => configKeyPaths(sub, prefix ? `${prefix}.${key}` : key));
}
