import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { TriageRulesDto, TriageRulesViewDto } from './triage.dto.js';
import { AppConfig } from '../config/app-config.js';
import { inDomainList, loadDisposableDomains } from './disposable-domains.js';
import { DEFAULT_TRIAGE_RULES, isDisposableDomain, standingLimits, type TriageRules, withOverrides } from './triage-rules.js';

interface Loaded {
  rules: TriageRules;
  updatedAt: Date | null;
  loadedAt: number;
}

/** Saved rules over the defaults, section by section (a section added later keeps its default). */
function withDefaults(saved: unknown): TriageRules {
  const s = (saved ?? {}) as Partial<Record<keyof TriageRules, object>>;
  return {
    newAccounts: { ...DEFAULT_TRIAGE_RULES.newAccounts, ...s.newAccounts },
    links: { ...DEFAULT_TRIAGE_RULES.links, ...s.links },
    history: { ...DEFAULT_TRIAGE_RULES.history, ...s.history },
    emailDomains: { ...DEFAULT_TRIAGE_RULES.emailDomains, ...s.emailDomains },
    skip: { ...DEFAULT_TRIAGE_RULES.skip, ...s.skip },
  };
}

/**
 * The newsroom's triage rules (one row of `triage_settings`; the defaults until an admin saves them). Every post
 * reads them, so they are held in memory, loaded at start-up and refreshed in the background once older than
 * CACHE_TTL_MS: a post never waits for them. A change through this instance applies at once, other instances pick it
 * up within CACHE_TTL_MS (and the next post after it).
 */
@Injectable()
export class TriageService implements OnModuleInit {
  static readonly CACHE_TTL_MS = 30_000;
  private readonly logger = new Logger(TriageService.name);
  private loaded: Loaded | null = null;
  private overrideLimits = { countUpTo: 0, recent: 0 };
  private refreshing: Promise<Loaded> | null = null;

  /** The disposable e-mail domains in use: DISPOSABLE_EMAIL_DOMAINS_FILE, or the shipped list. */
  private readonly disposableList: Set<string>;

  constructor(
    private readonly prisma: PrismaService,
    config: AppConfig,
  ) {
    this.disposableList = loadDisposableDomains(config.get('DISPOSABLE_EMAIL_DOMAINS_FILE'));
  }

  /** Whether a domain (or a parent domain) is on the disposable list in use (before the rules' blocked/allowed). */
  readonly disposable = (domain: string): boolean => inDomainList(domain, this.disposableList);

  /**
   * Whether registering with `email` is refused: the e-mail domain rule is `refuse_registration` and the domain is
   * disposable. Accounts created by a publisher sign-in (SSO) are never refused: their comments are judged instead.
   */
  async refusesRegistration(email: string): Promise<boolean> {
    const e = (await this.rules()).emailDomains;
    const domain = email.split('@').pop() ?? '';
    return e.action === 'refuse_registration' && domain !== '' && isDisposableDomain(domain, e, this.disposable);
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
  }

  async rules(): Promise<TriageRules> {
    return (await this.current()).rules;
  }

  /**
   * How much of the author's history posting reads with the post: what the global rules need, or more when an
   * article's overrides need more (known from the overrides saved, loaded with the rules and noted when changed
   * here): the read comes before the article's overrides are known.
   */
  readLimits(rules: TriageRules): { countUpTo: number; recent: number } {
    const global = standingLimits(rules);
    return {
      countUpTo: Math.max(global.countUpTo, this.overrideLimits.countUpTo),
      recent: Math.max(global.recent, this.overrideLimits.recent),
    };
  }

  /** An article's overrides were saved: the reads of this instance cover them at once. */
  noteOverrides(overrides: unknown): void {
    const mine = standingLimits(withOverrides(DEFAULT_TRIAGE_RULES, overrides));
    this.overrideLimits = {
      countUpTo: Math.max(this.overrideLimits.countUpTo, mine.countUpTo),
      recent: Math.max(this.overrideLimits.recent, mine.recent),
    };
  }

  async view(): Promise<TriageRulesViewDto> {
    const { rules, updatedAt } = await this.current();
    return { ...rules, updatedAt: updatedAt?.toISOString() ?? null };
  }

  /** Replaces the rules; audited with the rules before and after. */
  async replace(actorId: string, dto: TriageRulesDto): Promise<TriageRulesViewDto> {
    const rules = withDefaults(dto);
    try {
      const updatedAt = await this.prisma.transaction(async (tx) => {
        const before = await tx.triageSettings.findUnique({ where: { id: 1 }, select: { rules: true } });
        const json = rules as unknown as Prisma.InputJsonValue;
        const row = await tx.triageSettings.upsert({
          where: { id: 1 },
          create: { id: 1, rules: json, updatedById: actorId },
          update: { rules: json, updatedById: actorId, updatedAt: new Date() },
          select: { updatedAt: true },
        });
        await appendAudit(tx, {
          actorId,
          action: 'triage_rules',
          details: { before: withDefaults(before?.rules), after: rules },
        });
        return row.updatedAt;
      });
      this.loaded = { rules, updatedAt, loadedAt: Date.now() };
      return { ...rules, updatedAt: updatedAt.toISOString() };
    } catch (err) {
      this.loaded = null;
      throw err;
    }
  }

  private async current(): Promise<Loaded> {
    if (!this.loaded) return this.refresh();
    if (Date.now() - this.loaded.loadedAt >= TriageService.CACHE_TTL_MS) void this.refresh().catch(() => undefined);
    return this.loaded;
  }

  /** One load at a time; on failure the last known rules stay (posting goes on while the database blips). */
  private refresh(): Promise<Loaded> {
    this.refreshing ??= (async () => {
      try {
        const row = await this.prisma.triageSettings.findUnique({ where: { id: 1 }, select: { rules: true, updatedAt: true } });
        const [limits] = await this.prisma.$queryRaw<{ count_up_to: number | null; recent: number | null }[]>`
          SELECT max((triage_overrides #>> '{newAccounts,holdFirstComments}')::int) AS count_up_to,
                 max(CASE WHEN triage_overrides #>> '{history,action}' IN ('hold', 'refuse')
                          THEN (triage_overrides #>> '{history,lastComments}')::int END) AS recent
          FROM articles WHERE triage_overrides IS NOT NULL`;
        this.overrideLimits = { countUpTo: limits?.count_up_to ?? 0, recent: limits?.recent ?? 0 };
        this.loaded = { rules: withDefaults(row?.rules), updatedAt: row?.updatedAt ?? null, loadedAt: Date.now() };
        return this.loaded;
      } catch (err) {
        if (!this.loaded) throw err;
        this.logger.warn({ msg: 'triage rules reload failed; using the cached rules', err: (err as Error).message });
        this.loaded = { ...this.loaded, loadedAt: Date.now() };
        return this.loaded;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}
