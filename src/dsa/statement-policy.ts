import { Injectable } from '@nestjs/common';
import { AppError, type ErrorDetail } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import type { StatementFieldsDto } from './dto/statement-fields.dto.js';
import type {
  AutomatedDecision,
  DecisionAccount,
  DecisionGround,
  DecisionProvision,
  DecisionVisibility,
  Keyword,
  SourceType,
  StatementCategory,
} from './transparency-database.js';

/** Every kind of restricting decision that gets a statement of reasons (DSA Art. 17(1)). */
export type RestrictingAction =
  | 'reject'
  | 'spam'
  | 'delete'
  | 'filter_reject'
  | 'rule_reject'
  | 'check_reject'
  | 'ban_reject'
  | 'ban'
  | 'misuse_suspension'
  | 'notifier_hold';

/** A statement of reasons with every field decided, ready to insert (src/dsa/decision-effects.ts). */
export interface ResolvedStatement {
  action: RestrictingAction;
  decisionVisibility: DecisionVisibility[];
  decisionAccount: DecisionAccount | null;
  decisionProvision: DecisionProvision | null;
  restrictionEndsAt: Date | null;
  decisionGround: DecisionGround;
  decisionGroundReferenceUrl: string | null;
  illegalContentLegalGround: string | null;
  illegalContentExplanation: string | null;
  incompatibleContentGround: string | null;
  incompatibleContentExplanation: string | null;
  incompatibleContentIllegal: boolean | null;
  /** null: the category (and its keywords) of the comment's oldest open notice, else `fallbackCategory`. */
  category: StatementCategory | null;
  fallbackCategory: StatementCategory;
  categorySpecification: Keyword[];
  decisionFacts: string;
  /** null: from the comment itself (open notices: SOURCE_ARTICLE_16; reader reports: SOURCE_TYPE_OTHER_NOTIFICATION). */
  sourceType: SourceType | null;
  /** true: detected by automated means (the word filter); a comment the filter held for review counts too. */
  automatedDetection: boolean;
  automatedDecision: AutomatedDecision;
  territorialScope: string[];
  manifestlyIllegal: boolean;
  decidedById: string | null;
}

export interface DecisionContext {
  action: RestrictingAction;
  decidedById: string | null;
  /** The moderator's reason (or the filter's match), also the default explanation. */
  reason?: string | null;
  /** Account and service restrictions: when they end (null = until lifted). */
  endsAt?: Date | null;
  /** How a decision that is not the moderator's own came about (misuse measures). */
  automatedDecision?: AutomatedDecision;
}

/** What each kind of decision restricts (Art. 17(1)(a)-(d)), in the database's terms. */
const RESTRICTION: Record<
  RestrictingAction,
  { visibility?: DecisionVisibility; account?: DecisionAccount; provision?: DecisionProvision }
> = {
  reject: { visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' },
  spam: { visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' },
  delete: { visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' },
  filter_reject: { visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' },
  rule_reject: { visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' },
  check_reject: { visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' },
  ban_reject: { visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' },
  ban: { account: 'DECISION_ACCOUNT_SUSPENDED' },
  misuse_suspension: { account: 'DECISION_ACCOUNT_SUSPENDED' },
  notifier_hold: { provision: 'DECISION_PROVISION_PARTIAL_SUSPENSION' },
};

/** Default facts (Art. 17(3)(b)) per kind of decision; the reason follows after a colon. */
const FACTS: Record<RestrictingAction, string> = {
  reject: 'A moderator reviewed the comment and rejected it',
  spam: 'A moderator reviewed the comment and removed it as spam',
  delete: 'A moderator removed the comment',
  filter_reject:
    "The comment contains words on the site's list of banned words and was rejected automatically when it was posted or edited",
  rule_reject: "The comment was refused automatically when it was posted or edited, by one of the site's rules for new comments",
  check_reject: "The comment was refused automatically when it was posted or edited, by the site's automated check of new comments",
  ban_reject: "The comment was waiting for review when a moderator suspended its author's account, and was rejected with it",
  ban: "A moderator suspended the account's access to the comment section",
  misuse_suspension:
    'The account was suspended after repeatedly posting manifestly illegal content, following a prior warning (DSA Art. 23(1))',
  notifier_hold:
    'Notices from this notifier are not processed for a period after repeated manifestly unfounded notices, following a prior warning (DSA Art. 23(2))',
};

/** The category when neither the moderator nor a notice names one. */
const FALLBACK_CATEGORY: Record<RestrictingAction, StatementCategory> = {
  reject: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  spam: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  delete: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  // The banned-words list is insults, slurs and threats.
  filter_reject: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  rule_reject: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  check_reject: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  ban_reject: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  ban: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  misuse_suspension: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  notifier_hold: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
};

const invalid = (details: ErrorDetail[]) => AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', details);

/**
 * Turns what a moderator sent (often nothing) into a complete statement of reasons: the restriction follows from
 * what was done, the ground from the fields given, the explanations from the reason, the links and territorial
 * scope from the configuration (DSA_TERMS_GROUND, DSA_TERMS_URL, DSA_TERRITORIAL_SCOPE).
 */
@Injectable()
export class StatementPolicy {
  constructor(private readonly config: AppConfig) {}

  /** `field` names the body property the fields came in (for error details), e.g. `statement`. */
  resolve(fields: StatementFieldsDto | undefined, ctx: DecisionContext, field = 'statement'): ResolvedStatement {
    const f = fields ?? {};
    const ground: DecisionGround =
      f.decisionGround ?? (f.illegalContentLegalGround ? 'DECISION_GROUND_ILLEGAL_CONTENT' : 'DECISION_GROUND_INCOMPATIBLE_CONTENT');
    const illegal = ground === 'DECISION_GROUND_ILLEGAL_CONTENT';
    const problems: ErrorDetail[] = [];
    if (illegal && !f.illegalContentLegalGround) {
      problems.push({
        field: `${field}.illegalContentLegalGround`,
        message: 'name the law relied on: required with DECISION_GROUND_ILLEGAL_CONTENT',
      });
    }
    const otherGround = illegal
      ? (['incompatibleContentGround', 'incompatibleContentExplanation', 'incompatibleContentIllegal'] as const)
      : (['illegalContentLegalGround', 'illegalContentExplanation'] as const);
    for (const key of otherGround) {
      if (f[key] !== undefined) problems.push({ field: `${field}.${key}`, message: `${key} does not go with ${ground}` });
    }
    if (f.manifestlyIllegal && !illegal)
      problems.push({
        field: `${field}.manifestlyIllegal`,
        message: 'only content found illegal (DECISION_GROUND_ILLEGAL_CONTENT) can be manifestly illegal',
      });
    if (problems.length) throw invalid(problems);

    const reason = ctx.reason?.trim() || null;
    const facts = f.decisionFacts ?? (reason ? `${FACTS[ctx.action]}: ${reason}` : `${FACTS[ctx.action]}.`).slice(0, 5000);
    const explanation = (reason ?? facts).slice(0, 2000);
    const restriction = RESTRICTION[ctx.action];
    // Refused by the word filter, a triage rule or an automated check (classifier, spam service): detected and decided by automated means.
    const filter = ctx.action === 'filter_reject' || ctx.action === 'rule_reject' || ctx.action === 'check_reject';
    return {
      action: ctx.action,
      decisionVisibility: restriction.visibility ? [restriction.visibility] : [],
      decisionAccount: restriction.account ?? null,
      decisionProvision: restriction.provision ?? null,
      restrictionEndsAt: restriction.visibility ? null : (ctx.endsAt ?? null),
      decisionGround: ground,
      decisionGroundReferenceUrl: f.decisionGroundReferenceUrl ?? (illegal ? null : (this.config.get('DSA_TERMS_URL') ?? null)),
      illegalContentLegalGround: illegal ? f.illegalContentLegalGround! : null,
      illegalContentExplanation: illegal ? (f.illegalContentExplanation ?? explanation) : null,
      incompatibleContentGround: illegal ? null : (f.incompatibleContentGround ?? this.config.get('DSA_TERMS_GROUND')),
      incompatibleContentExplanation: illegal ? null : (f.incompatibleContentExplanation ?? explanation),
      incompatibleContentIllegal: illegal ? null : (f.incompatibleContentIllegal ?? null),
      category: f.category ?? null,
      fallbackCategory: FALLBACK_CATEGORY[ctx.action],
      categorySpecification: f.categorySpecification ?? [],
      decisionFacts: facts,
      // Decisions about accounts are the service's own initiative; content decisions depend on the comment.
      sourceType: restriction.visibility ? null : 'SOURCE_VOLUNTARY',
      automatedDetection: filter,
      automatedDecision: ctx.automatedDecision ?? (filter ? 'AUTOMATED_DECISION_FULLY' : 'AUTOMATED_DECISION_NOT_AUTOMATED'),
      territorialScope: this.config.get('DSA_TERRITORIAL_SCOPE'),
      manifestlyIllegal: f.manifestlyIllegal ?? false,
      decidedById: ctx.decidedById,
    };
  }

  /** Months after a decision during which it can be appealed (DSA_APPEAL_WINDOW_MONTHS, at least six). */
  get appealWindowMonths(): number {
    return this.config.get('DSA_APPEAL_WINDOW_MONTHS');
  }
}
