import { DEFAULT_TRIAGE_RULES, linkHosts, standingLimits, triage, type TriageFacts } from './triage-rules.js';

const facts = (over: Partial<TriageFacts> = {}): TriageFacts => ({
  body: 'Мнение',
  articleUrl: null,
  authorRole: 'reader',
  authorCreatedAt: new Date('2026-01-01T00:00:00Z'),
  authorApproved: 0,
  authorComments: 0,
  authorRecent: [],
  trusted: false,
  now: new Date('2026-12-07T00:00:00Z'),
  ...over,
});

describe('linkHosts', () => {
  it('should find http(s) and www. links, lower-cased, without credentials, port or trailing punctuation', () => {
    expect(linkHosts('Вижте HTTPS://User:pw@Example.BG:8443/x, и www.Spam.example. Край: http://a.b/c?d')).toEqual([
      'example.bg',
      'www.spam.example',
      'a.b',
    ]);
  });

  it('should give internationalised names as the allow-list holds them (xn--) and ignore text without links', () => {
    expect(linkHosts('https://пример.бг/статия')).toEqual(['xn--e1afmkfd.xn--90ae']);
    expect(linkHosts('Няма връзки тук, само точки... и имейл a@b.bg')).toEqual([]);
  });
});

describe('triage', () => {
  it("should hold a new account's link by default and publish an established account's", () => {
    expect(triage(DEFAULT_TRIAGE_RULES, facts({ body: 'http://x.example' }))).toMatchObject({
      action: 'hold',
      rule: 'links',
      matched: ['x.example'],
    });
    expect(triage(DEFAULT_TRIAGE_RULES, facts({ body: 'http://x.example', authorApproved: 3 })).action).toBe('publish');
  });

  it("should not count the article's own site or allowed domains and their subdomains", () => {
    const rules = { ...DEFAULT_TRIAGE_RULES, links: { ...DEFAULT_TRIAGE_RULES.links, allowedDomains: ['bta.bg'] } };
    const body = 'https://www.news.example/a https://m.bta.bg/b https://bta.bg.evil.example/c';
    expect(triage(rules, facts({ body, articleUrl: 'https://news.example/x' }))).toMatchObject({
      action: 'hold',
      matched: ['bta.bg.evil.example'],
    });
  });

  it('should let staff and trusted authors skip the rules only when the newsroom says so', () => {
    const body = 'http://x.example';
    expect(triage(DEFAULT_TRIAGE_RULES, facts({ body, authorRole: 'moderator' })).action).toBe('publish');
    expect(triage(DEFAULT_TRIAGE_RULES, facts({ body, trusted: true })).action).toBe('publish');
    const strict = { ...DEFAULT_TRIAGE_RULES, skip: { staff: false, trusted: false } };
    expect(triage(strict, facts({ body, authorRole: 'moderator' })).action).toBe('hold');
  });

  it('should judge the history only from enough decided comments, at the share asked for', () => {
    const rules = { ...DEFAULT_TRIAGE_RULES, history: { action: 'refuse' as const, lastComments: 4, minDecided: 3, rejectedPercent: 50 } };
    expect(triage(rules, facts({ authorRecent: ['rejected', 'spam'] })).action).toBe('publish');
    expect(triage(rules, facts({ authorRecent: ['rejected', 'approved', 'approved'] })).action).toBe('publish');
    expect(triage(rules, facts({ authorRecent: ['rejected', 'spam', 'approved', 'approved', 'rejected'] }))).toMatchObject({
      action: 'refuse',
      rule: 'rejected_history',
    });
  });

  it('should hold young accounts and the first comments of new ones, and ask the read for only what it needs', () => {
    const rules = { ...DEFAULT_TRIAGE_RULES, newAccounts: { approvedBelow: 3, holdFirstComments: 2, holdYoungerThanDays: 2 } };
    expect(triage(rules, facts({ authorComments: 1 })).rule).toBe('new_account');
    expect(triage(rules, facts({ authorComments: 2, authorCreatedAt: new Date('2026-12-06T00:00:00Z') })).rule).toBe('young_account');
    expect(triage(rules, facts({ authorComments: 2 })).action).toBe('publish');
    expect(standingLimits(DEFAULT_TRIAGE_RULES)).toEqual({ countUpTo: 0, recent: 0 });
    expect(standingLimits(rules)).toEqual({ countUpTo: 2, recent: 0 });
  });
});
