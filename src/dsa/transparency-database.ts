/**
 * The vocabulary of the European Commission's DSA Transparency Database (statements of reasons under Art. 17 and
 * Art. 24(5) of Regulation (EU) 2022/2065), with its exact field names and values, so that what this service stores,
 * shows and exports needs no translation before submission.
 *
 * Sources (read 2026-12-01):
 *   - API documentation, https://transparency.dsa.ec.europa.eu/page/api-documentation (fields, required/optional,
 *     length limits, `puid` rules, date format YYYY-MM-DD);
 *   - "Additional explanation for statement attributes",
 *     https://transparency.dsa.ec.europa.eu/page/additional-explanation-for-statement-attributes (`puid` must be
 *     unique and never re-used; `content_date` of an account is its registration date);
 *   - the database's own validation rules and enumerations (github.com/digital-services-act/transparency-database,
 *     app/Http/Requests/StatementStoreRequest.php and app/Models/Statement.php, commit 69e80a0b of 2026-06-24).
 * The JSON Schema the tests validate the export against is test/fixtures/tdb-statement.schema.json, written from the
 * same sources.
 */

/** `category` (required) and `category_addition`. */
export const STATEMENT_CATEGORIES = [
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_VIOLENCE',
] as const;
export type StatementCategory = (typeof STATEMENT_CATEGORIES)[number];

/** `category_specification`: keywords refining the category. */
export const KEYWORDS = [
  'KEYWORD_ADULT_SEXUAL_MATERIAL',
  'KEYWORD_AGE_SPECIFIC_RESTRICTIONS',
  'KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS',
  'KEYWORD_ANIMAL_HARM',
  'KEYWORD_BIOMETRIC_DATA_BREACH',
  'KEYWORD_BULLYING_AGAINST_GIRLS',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE',
  'KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS',
  'KEYWORD_COORDINATED_HARM',
  'KEYWORD_COPYRIGHT_INFRINGEMENT',
  'KEYWORD_CYBER_BULLYING_INTIMIDATION',
  'KEYWORD_CYBER_HARASSMENT',
  'KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN',
  'KEYWORD_CYBER_INCITEMENT',
  'KEYWORD_CYBER_STALKING',
  'KEYWORD_CYBER_STALKING_AGAINST_WOMEN',
  'KEYWORD_DATA_FALSIFICATION',
  'KEYWORD_DEFAMATION',
  'KEYWORD_DESIGN_INFRINGEMENT',
  'KEYWORD_DISCRIMINATION',
  'KEYWORD_FEMALE_GENDERED_DISINFORMATION',
  'KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT',
  'KEYWORD_GEOGRAPHICAL_REQUIREMENTS',
  'KEYWORD_GOODS_SERVICES_NOT_PERMITTED',
  'KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS',
  'KEYWORD_HATE_SPEECH',
  'KEYWORD_HIDDEN_ADVERTISEMENT',
  'KEYWORD_HUMAN_EXPLOITATION',
  'KEYWORD_HUMAN_TRAFFICKING',
  'KEYWORD_ILLEGAL_ORGANIZATIONS',
  'KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING',
  'KEYWORD_INAUTHENTIC_ACCOUNTS',
  'KEYWORD_INAUTHENTIC_LISTINGS',
  'KEYWORD_INAUTHENTIC_USER_REVIEWS',
  'KEYWORD_INCITEMENT_AGAINST_WOMEN',
  'KEYWORD_INCITEMENT_VIOLENCE_HATRED',
  'KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS',
  'KEYWORD_LANGUAGE_REQUIREMENTS',
  'KEYWORD_MISINFORMATION_DISINFORMATION',
  'KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS',
  'KEYWORD_MISLEADING_INFO_GOODS_SERVICES',
  'KEYWORD_MISSING_PROCESSING_GROUND',
  'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING',
  'KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN',
  'KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE',
  'KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN',
  'KEYWORD_NONCOMPLIANCE_PRICING',
  'KEYWORD_NUDITY',
  'KEYWORD_PATENT_INFRINGEMENT',
  'KEYWORD_PHISHING',
  'KEYWORD_PROHIBITED_PRODUCTS',
  'KEYWORD_PYRAMID_SCHEMES',
  'KEYWORD_RIGHT_TO_BE_FORGOTTEN',
  'KEYWORD_RISK_ENVIRONMENTAL_DAMAGE',
  'KEYWORD_RISK_PUBLIC_HEALTH',
  'KEYWORD_SELF_MUTILATION',
  'KEYWORD_STALKING',
  'KEYWORD_SUICIDE',
  'KEYWORD_TERRORIST_CONTENT',
  'KEYWORD_TRADE_SECRET_INFRINGEMENT',
  'KEYWORD_TRADEMARK_INFRINGEMENT',
  'KEYWORD_TRAFFICKING_WOMEN_GIRLS',
  'KEYWORD_UNLAWFUL_SALE_ANIMALS',
  'KEYWORD_UNSAFE_CHALLENGES',
  'KEYWORD_UNSAFE_PRODUCTS',
  'KEYWORD_VIOLATION_EU_LAW',
  'KEYWORD_VIOLATION_NATIONAL_LAW',
  'KEYWORD_OTHER',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

/**
 * Art. 16(2)(c): a notice must carry the notifier's name and email "except in the case of information considered to
 * involve one of the offences referred to in Articles 3 to 7 of Directive 2011/93/EU" (sexual abuse and sexual
 * exploitation of children, child sexual abuse material, solicitation of children for sexual purposes, and
 * incitement, aiding, abetting and attempt). In the database's vocabulary those are these keywords (all under
 * STATEMENT_CATEGORY_PROTECTION_OF_MINORS): a notice naming one of them may be anonymous. The category alone does
 * not exempt: it also covers age restrictions and unsafe challenges, where the notifier must be identifiable.
 */
export const ANONYMOUS_NOTICE_KEYWORDS: readonly Keyword[] = [
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL',
  'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE',
  'KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS',
];

/** `decision_ground` (required). */
export const DECISION_GROUNDS = ['DECISION_GROUND_ILLEGAL_CONTENT', 'DECISION_GROUND_INCOMPATIBLE_CONTENT'] as const;
export type DecisionGround = (typeof DECISION_GROUNDS)[number];

/** `decision_visibility` (an array; at least one of the four decision_* fields is required). */
export const DECISION_VISIBILITIES = [
  'DECISION_VISIBILITY_CONTENT_REMOVED',
  'DECISION_VISIBILITY_CONTENT_DISABLED',
  'DECISION_VISIBILITY_CONTENT_DEMOTED',
  'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_LABELLED',
  'DECISION_VISIBILITY_OTHER',
] as const;
export type DecisionVisibility = (typeof DECISION_VISIBILITIES)[number];

/** `decision_monetary`: this service pays nobody, so it never sends one; listed for the schema. */
export const DECISION_MONETARIES = ['DECISION_MONETARY_SUSPENSION', 'DECISION_MONETARY_TERMINATION', 'DECISION_MONETARY_OTHER'] as const;

/** `decision_provision`. */
export const DECISION_PROVISIONS = [
  'DECISION_PROVISION_PARTIAL_SUSPENSION',
  'DECISION_PROVISION_TOTAL_SUSPENSION',
  'DECISION_PROVISION_PARTIAL_TERMINATION',
  'DECISION_PROVISION_TOTAL_TERMINATION',
] as const;
export type DecisionProvision = (typeof DECISION_PROVISIONS)[number];

/** `decision_account`. */
export const DECISION_ACCOUNTS = ['DECISION_ACCOUNT_SUSPENDED', 'DECISION_ACCOUNT_TERMINATED'] as const;
export type DecisionAccount = (typeof DECISION_ACCOUNTS)[number];

/** `source_type` (required). Trusted flaggers (Art. 22) are not modelled yet. */
export const SOURCE_TYPES = ['SOURCE_ARTICLE_16', 'SOURCE_TRUSTED_FLAGGER', 'SOURCE_TYPE_OTHER_NOTIFICATION', 'SOURCE_VOLUNTARY'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** `automated_decision` (required). `automated_detection` is the string "Yes" or "No". */
export const AUTOMATED_DECISIONS = [
  'AUTOMATED_DECISION_FULLY',
  'AUTOMATED_DECISION_PARTIALLY',
  'AUTOMATED_DECISION_NOT_AUTOMATED',
] as const;
export type AutomatedDecision = (typeof AUTOMATED_DECISIONS)[number];

/** `content_type` (required array): comments are text. */
export const CONTENT_TYPES = [
  'CONTENT_TYPE_APP',
  'CONTENT_TYPE_AUDIO',
  'CONTENT_TYPE_IMAGE',
  'CONTENT_TYPE_PRODUCT',
  'CONTENT_TYPE_SYNTHETIC_MEDIA',
  'CONTENT_TYPE_TEXT',
  'CONTENT_TYPE_VIDEO',
  'CONTENT_TYPE_OTHER',
] as const;

/** `territorial_scope`: the EU and EEA countries (the list is configuration's too: DSA_TERRITORIAL_SCOPE). */
export { EEA_COUNTRY_CODES } from '../config/eea-countries.js';

/** The field length limits of the store endpoint. */
export const TDB_LIMITS = {
  decision_facts: 5000,
  illegal_content_legal_ground: 500,
  illegal_content_explanation: 2000,
  incompatible_content_ground: 500,
  incompatible_content_explanation: 2000,
  decision_ground_reference_url: 500,
  puid: 500,
} as const;
