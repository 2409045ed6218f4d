import {
  AUTOMATED_DECISIONS,
  CONTENT_TYPES,
  DECISION_ACCOUNTS,
  DECISION_GROUNDS,
  DECISION_MONETARIES,
  DECISION_PROVISIONS,
  DECISION_VISIBILITIES,
  EEA_COUNTRY_CODES,
  KEYWORDS,
  SOURCE_TYPES,
  STATEMENT_CATEGORIES,
  TDB_LIMITS,
} from './transparency-database.js';

/**
 * A JSON Schema (2020-12, also valid in OpenAPI 3.1) of one statement of reasons as the Transparency Database's API
 * accepts it, written from its documentation (sources in transparency-database.ts): the fields, their types,
 * values and limits, which are required, and the conditional rules of its validation (the fields of the ground
 * given, the `*_other` fields, at least one restriction). Where the database merely ignores a field that does not
 * belong (`exclude_unless`), this schema refuses it: an export should not carry what the database drops.
 * The export is validated against it in test/transparency.e2e-spec.ts; the OpenAPI document uses it for the NDJSON.
 */
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
const date = { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' };
const oneOf = (values: readonly string[]) => ({ type: 'string', enum: [...values] });
const listOf = (values: readonly string[]) => ({ type: 'array', minItems: 1, uniqueItems: true, items: oneOf(values) });
const has = (...fields: string[]) => ({ anyOf: fields.map((f) => ({ required: [f] })) });
const whenEquals = (field: string, value: string) => ({ properties: { [field]: { const: value } }, required: [field] });
const whenContains = (field: string, value: string) => ({
  properties: { [field]: { type: 'array', contains: { const: value } } },
  required: [field],
});

export const TDB_STATEMENT_SCHEMA: Record<string, unknown> = {
  title: 'TransparencyDatabaseStatement',
  description:
    'One statement of reasons as the DSA Transparency Database API accepts it (https://transparency.dsa.ec.europa.eu/page/api-documentation).',
  type: 'object',
  additionalProperties: false,
  required: [
    'decision_ground',
    'content_type',
    'category',
    'territorial_scope',
    'content_date',
    'application_date',
    'decision_facts',
    'source_type',
    'automated_detection',
    'automated_decision',
    'puid',
  ],
  properties: {
    decision_visibility: listOf(DECISION_VISIBILITIES),
    decision_visibility_other: text(500),
    decision_monetary: oneOf(DECISION_MONETARIES),
    decision_monetary_other: text(500),
    decision_provision: oneOf(DECISION_PROVISIONS),
    decision_account: oneOf(DECISION_ACCOUNTS),
    account_type: oneOf(['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE']),
    decision_ground: oneOf(DECISION_GROUNDS),
    decision_ground_reference_url: { type: 'string', format: 'uri', maxLength: TDB_LIMITS.decision_ground_reference_url },
    illegal_content_legal_ground: text(TDB_LIMITS.illegal_content_legal_ground),
    illegal_content_explanation: text(TDB_LIMITS.illegal_content_explanation),
    incompatible_content_ground: text(TDB_LIMITS.incompatible_content_ground),
    incompatible_content_explanation: text(TDB_LIMITS.incompatible_content_explanation),
    incompatible_content_illegal: oneOf(['Yes', 'No']),
    content_type: listOf(CONTENT_TYPES),
    content_type_other: text(500),
    category: oneOf(STATEMENT_CATEGORIES),
    category_addition: listOf(STATEMENT_CATEGORIES),
    category_specification: listOf(KEYWORDS),
    category_specification_other: text(500),
    territorial_scope: listOf(EEA_COUNTRY_CODES),
    content_language: { type: 'string', pattern: '^[A-Z]{2}$' },
    content_date: date,
    application_date: date,
    end_date_account_restriction: date,
    end_date_monetary_restriction: date,
    end_date_service_restriction: date,
    end_date_visibility_restriction: date,
    decision_facts: text(TDB_LIMITS.decision_facts),
    source_type: oneOf(SOURCE_TYPES),
    source_identity: text(500),
    automated_detection: oneOf(['Yes', 'No']),
    automated_decision: oneOf(AUTOMATED_DECISIONS),
    puid: { type: 'string', minLength: 1, maxLength: TDB_LIMITS.puid, pattern: '^[a-zA-Z0-9_-]+$' },
    content_id: { type: 'object', additionalProperties: false, properties: { 'EAN-13': { type: 'string', pattern: '^[0-9]{13}$' } } },
  },
  allOf: [
    // At least one of the four kinds of restriction (Art. 17(1)(a)-(d)).
    has('decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account'),
    {
      if: whenEquals('decision_ground', 'DECISION_GROUND_ILLEGAL_CONTENT'),
      then: {
        required: ['illegal_content_legal_ground', 'illegal_content_explanation'],
        not: has('incompatible_content_ground', 'incompatible_content_explanation', 'incompatible_content_illegal'),
      },
    },
    {
      if: whenEquals('decision_ground', 'DECISION_GROUND_INCOMPATIBLE_CONTENT'),
      then: {
        required: ['incompatible_content_ground', 'incompatible_content_explanation'],
        not: has('illegal_content_legal_ground', 'illegal_content_explanation'),
      },
    },
    {
      if: whenContains('decision_visibility', 'DECISION_VISIBILITY_OTHER'),
      then: { required: ['decision_visibility_other'] },
      else: { not: has('decision_visibility_other') },
    },
    {
      if: whenEquals('decision_monetary', 'DECISION_MONETARY_OTHER'),
      then: { required: ['decision_monetary_other'] },
      else: { not: has('decision_monetary_other') },
    },
    {
      if: whenContains('content_type', 'CONTENT_TYPE_OTHER'),
      then: { required: ['content_type_other'] },
      else: { not: has('content_type_other') },
    },
    // source_identity is ignored for the provider's own initiative.
    { if: whenEquals('source_type', 'SOURCE_VOLUNTARY'), then: { not: has('source_identity') } },
  ],
};

/** One line of the export, as the document shows it. */
export const TDB_STATEMENT_EXAMPLE = {
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
  illegal_content_legal_ground: 'чл. 148, ал. 1 от Наказателния кодекс (обида)',
  illegal_content_explanation: 'Коментарът нарича конкретен читател с обидни думи.',
  content_type: ['CONTENT_TYPE_TEXT'],
  category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  category_specification: ['KEYWORD_CYBER_HARASSMENT'],
  territorial_scope: ['BG'],
  content_language: 'BG',
  content_date: '2026-11-28',
  application_date: '2026-11-28',
  decision_facts: 'A moderator reviewed the comment and rejected it: Лична обида',
  source_type: 'SOURCE_ARTICLE_16',
  automated_detection: 'No',
  automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
  puid: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
};

/**
 * The same statement for the OpenAPI document: the fields, without the conditional rules (which OpenAPI tooling
 * reads poorly); they are described in prose instead.
 */
export const TDB_STATEMENT_DOCUMENT_SCHEMA: Record<string, unknown> = {
  ...Object.fromEntries(Object.entries(TDB_STATEMENT_SCHEMA).filter(([k]) => k !== 'allOf')),
  description: `${String(TDB_STATEMENT_SCHEMA.description)} At least one of decision_visibility, decision_monetary, decision_provision, decision_account; with DECISION_GROUND_ILLEGAL_CONTENT the illegal_content_* fields, with DECISION_GROUND_INCOMPATIBLE_CONTENT the incompatible_content_* fields.`,
};
