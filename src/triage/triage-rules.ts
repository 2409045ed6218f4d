/**
 * The newsroom's triage rules: which new comments wait for a moderator, or are refused, before anyone reads them,
 * whatever the article's pre- or post-moderation says. Pure functions over what one read of the author's standing
 * gives (src/comment-core/comment-reads.sql.ts, POST_CONTEXT): no rule costs a round trip of its own.
 */

/** Who a rule about links applies to: nobody, accounts that are still new, or everyone. */
export const LINK_SCOPES = ['off', 'new_accounts', 'everyone'] as const;
export type LinkScope = (typeof LINK_SCOPES)[number];

/** What a history of rejections does: nothing, hold the author's comments, or refuse them. */
export const HISTORY_ACTIONS = ['off', 'hold', 'refuse'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/** What an e-mail address on a disposable domain does: nothing, hold the account's comments, or also refuse registration. */
export const EMAIL_DOMAIN_ACTIONS = ['off', 'hold', 'refuse_registration'] as const;
export type EmailDomainAction = (typeof EMAIL_DOMAIN_ACTIONS)[number];

export interface TriageRules {
  newAccounts: {
    /** An account is new until it has this many approved comments. */
    approvedBelow: number;
    /** Hold every comment of an account that is new (0: off), up to this many of its comments in all. */
    holdFirstComments: number;
    /** Hold the comments of accounts younger than this many days (0: off). */
    holdYoungerThanDays: number;
  };
  links: {
    /** Whose comments with links are held. */
    hold: LinkScope;
    /** Links a comment may carry before the rule holds it (0: any link). */
    maxLinks: number;
    /** Domains (and their subdomains) whose links never count; the article's own site never counts either. */
    allowedDomains: string[];
  };
  history: {
    action: HistoryAction;
    /** The author's last decided comments looked at (at most 50). */
    lastComments: number;
    /** At least this many of them must be decided before the rule judges. */
    minDecided: number;
    /** The share of them rejected or removed as spam, in per cent, from which the rule acts. */
    rejectedPercent: number;
  };
  /** Accounts whose e-mail is on a disposable domain (the shipped or configured list, plus `blocked`, minus `allowed`). */
  emailDomains: {
    action: EmailDomainAction;
    /** Domains treated as disposable too (subdomains included). */
    blocked: string[];
    /** Domains never treated as disposable, whatever the list says. */
    allowed: string[];
  };
  /** Who no rule applies to: staff, and authors the article's trusted bypass lets through. */
  skip: { staff: boolean; trusted: boolean };
}

/** Out of the box: a new account's comment with a link waits for a moderator, even on a post-moderated article. */
export const DEFAULT_TRIAGE_RULES: TriageRules = {
  newAccounts: { approvedBelow: 3, holdFirstComments: 0, holdYoungerThanDays: 0 },
  links: { hold: 'new_accounts', maxLinks: 0, allowedDomains: [] },
  history: { action: 'off', lastComments: 10, minDecided: 3, rejectedPercent: 50 },
  emailDomains: { action: 'off', blocked: [], allowed: [] },
  skip: { staff: true, trusted: true },
};

/** What the rules know about a comment and its author (one read). */
export interface TriageFacts {
  body: string;
  /** The article's canonical URL (its host's links never count), when it has one. */
  articleUrl: string | null;
  authorRole: 'reader' | 'moderator' | 'admin';
  authorCreatedAt: Date;
  /** The author's approved comments (the counter on the account). */
  authorApproved: number;
  /** The author's comments so far, any status, counted up to 100. */
  authorComments: number;
  /** Statuses of the author's latest decided comments, newest first (at most 50). */
  authorRecent: string[];
  /** The article lets trusted authors through and this one is trusted. */
  trusted: boolean;
  /** The domain of the author's e-mail; null for an account without one (an SSO account): the other rules judge it. */
  authorEmailDomain?: string | null;
  /** Whether a domain is on the disposable list in use (TriageService); none when not given. */
  disposable?: (domain: string) => boolean;
  now?: Date;
}

export interface TriageVerdict {
  action: 'publish' | 'hold' | 'refuse';
  /** The rule that decided (`new_account`, `young_account`, `links`, `rejected_history`); null when none did. */
  rule: string | null;
  /** A sentence for the moderator (the queue's hold reason) and the author's statement of reasons. */
  reason: string | null;
  /** What matched: the link domains that counted. */
  matched: string[];
}

const PUBLISH: TriageVerdict = { action: 'publish', rule: null, reason: null, matched: [] };

/** Hosts of the links in a text: http(s) URLs and bare `www.` addresses, lower-cased, without a port. */
export function linkHosts(text: string): string[] {
  const hosts: string[] = [];
  for (const m of text.matchAll(/\b(?:https?:\/\/|www\.)([^\s/?#<>"'()[\]{}]+)/giu)) {
    const raw = m[0].toLowerCase().startsWith('www.') ? `www.${m[1]}` : m[1];
    const host = raw
      .replace(/^[^@]*@/, '')
      .replace(/:\d*$/, '')
      .replace(/[.,;:!]+$/, '')
      .toLowerCase();
    if (!host) continue;
    try {
      // Internationalised names as the allow-list holds them (xn--…).
      hosts.push(new URL(`http://${host}`).hostname);
    } catch {
      hosts.push(host);
    }
  }
  return hosts;
}

const within = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);
const bare = (host: string) => host.replace(/^www\./, '');

/** The verdict of the rules for one new (or edited) comment. The first rule that acts decides; refusals first. */
export function triage(rules: TriageRules, f: TriageFacts): TriageVerdict {
  const staff = f.authorRole !== 'reader';
  if ((staff && rules.skip.staff) || (f.trusted && rules.skip.trusted)) return PUBLISH;

  const h = rules.history;
  if (h.action !== 'off') {
    const recent = f.authorRecent.slice(0, h.lastComments);
    const rejected = recent.filter((s) => s === 'rejected' || s === 'spam').length;
    if (recent.length >= Math.max(1, h.minDecided) && rejected * 100 >= h.rejectedPercent * recent.length) {
      return {
        action: h.action,
        rule: 'rejected_history',
        reason: `${rejected} of the author's last ${recent.length} decided comments were rejected`,
        matched: [],
      };
    }
  }

  const e = rules.emailDomains;
  if (e.action !== 'off' && f.authorEmailDomain && isDisposableDomain(f.authorEmailDomain, e, f.disposable)) {
    return {
      action: 'hold',
      rule: 'disposable_email',
      reason: `an account with an e-mail address on a disposable domain (${f.authorEmailDomain})`,
      matched: [f.authorEmailDomain],
    };
  }

  const isNew = f.authorApproved < rules.newAccounts.approvedBelow;
  const n = rules.newAccounts;
  if (isNew && n.holdFirstComments > 0 && f.authorComments < n.holdFirstComments) {
    return {
      action: 'hold',
      rule: 'new_account',
      reason: `one of the first ${n.holdFirstComments} comments of a new account`,
      matched: [],
    };
  }
  const ageDays = ((f.now ?? new Date()).getTime() - f.authorCreatedAt.getTime()) / 86_400_000;
  if (n.holdYoungerThanDays > 0 && ageDays < n.holdYoungerThanDays) {
    return {
      action: 'hold',
      rule: 'young_account',
      reason: `an account younger than ${n.holdYoungerThanDays} day(s)`,
      matched: [],
    };
  }

  const l = rules.links;
  if (l.hold === 'everyone' || (l.hold === 'new_accounts' && isNew)) {
    const own = f.articleUrl && URL.canParse(f.articleUrl) ? bare(new URL(f.articleUrl).hostname.toLowerCase()) : null;
    const allowed = [...l.allowedDomains.map((d) => bare(d.toLowerCase())), ...(own ? [own] : [])];
    const counted = linkHosts(f.body).filter((host) => !allowed.some((d) => within(bare(host), d)));
    if (counted.length > l.maxLinks) {
      const who = l.hold === 'new_accounts' ? 'a new account' : 'the author';
      return {
        action: 'hold',
        rule: 'links',
        reason:
          l.maxLinks === 0
            ? `a link from ${who} (${[...new Set(counted)].join(', ')})`
            : `${counted.length} links from ${who}, more than ${l.maxLinks}`,
        matched: [...new Set(counted)].slice(0, 20),
      };
    }
  }
  return PUBLISH;
}

/** Whether `domain` counts as disposable: `blocked` or on the list, and not `allowed` (subdomains included). */
export function isDisposableDomain(
  domain: string,
  e: Pick<TriageRules['emailDomains'], 'blocked' | 'allowed'>,
  onList: ((domain: string) => boolean) | undefined,
): boolean {
  const d = domain.toLowerCase();
  const within = (list: string[]) => list.some((x) => d === x || d.endsWith(`.${x}`));
  if (within(e.allowed)) return false;
  return within(e.blocked) || Boolean(onList?.(d));
}

/** The sections of the rules an article may replace (PATCH /api/admin/articles/:slug `triage`). */
export const OVERRIDABLE_SECTIONS = ['newAccounts', 'links', 'history', 'emailDomains', 'skip'] as const;
export type TriageOverrides = Partial<Pick<TriageRules, (typeof OVERRIDABLE_SECTIONS)[number]>>;

/** The rules on one article: its overrides (whole sections, as saved) over the global rules. */
export function withOverrides(rules: TriageRules, overrides: unknown): TriageRules {
  if (!overrides || typeof overrides !== 'object') return rules;
  const o = overrides as TriageOverrides;
  const out = { ...rules };
  for (const key of OVERRIDABLE_SECTIONS) if (o[key]) Object.assign(out, { [key]: { ...rules[key], ...o[key] } });
  return out;
}

/** How much of the author's history the rules need read with the post (0: none; the read skips it). */
export function standingLimits(rules: TriageRules): { countUpTo: number; recent: number } {
  return {
    countUpTo: rules.newAccounts.holdFirstComments,
    recent: rules.history.action === 'off' ? 0 : rules.history.lastComments,
  };
}
