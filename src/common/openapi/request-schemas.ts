import { DECORATORS } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { INT4_MAX, INT4_MIN } from '../validation/int-range.js';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** A JSON Schema (OpenAPI 3.1) node, loosely typed: the document builder edits generated schemas in place. */
export interface JsonSchema {
  [key: string]: unknown;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  $ref?: string;
  enum?: unknown[];
}

type Apply = (schema: JsonSchema, constraints: unknown[]) => void;

/**
 * class-validator rules → JSON Schema keywords, so a request schema says exactly what validation enforces. A rule
 * that is not listed here fails the document build (and so the suite): map it, or list it as not expressible.
 */
const RULES: Record<string, Apply | null> = {
  isString: (s) => void (s.type = 'string'),
  isBoolean: (s) => void (s.type = 'boolean'),
  isInt: (s) => void (s.type = 'integer'),
  isArray: (s) => void (s.type = 'array'),
  isUuid: (s) => Object.assign(s, { type: 'string', format: 'uuid' }),
  isEmail: (s) => Object.assign(s, { type: 'string', format: 'email' }),
  isIso8601: (s) => Object.assign(s, { type: 'string', format: 'date-time' }),
  isUrl: (s) => Object.assign(s, { type: 'string', format: 'uri' }),
  isIn: (s, [values]) => void (s.enum = [...(values as unknown[])]),
  matches: (s, [pattern]) => void (s.pattern = (pattern as RegExp).source),
  minLength: (s, [n]) => void (s.minLength = n),
  maxLength: (s, [n]) => void (s.maxLength = n),
  min: (s, [n]) => void (s.minimum = n),
  max: (s, [n]) => void (s.maximum = n),
  arrayMinSize: (s, [n]) => void (s.minItems = n),
  arrayMaxSize: (s, [n]) => void (s.maxItems = n),
  arrayUnique: (s) => void (s.uniqueItems = true),
  // Comment text: visible text of 1..max Unicode code points (JSON Schema also counts code points).
  textLength: (s, [max]) => Object.assign(s, { type: 'string', minLength: 1, maxLength: max }),
  // Cross-field rule (password ≠ email / username): described in prose, not expressible as a keyword.
  notEqualToEmailOrUsername: null,
  // The characters and length of a username; one script only and no look-alike of a taken name are prose.
  isUsername: (s, [shape]) => Object.assign(s, { type: 'string', pattern: shape }),
  // Passwords: PASSWORD_MIN characters other than spaces, described in prose.
  notMostlyBlank: null,
  // One script per part of an email address: described in prose.
  singleScriptEmail: null,
  // No zero-width, bidi or other invisible characters: described in prose.
  noInvisibleCharacters: null,
  // A nested object (not an array of them): the property's schema is already the nested class's object schema.
  isObject: null,
};

/** A DTO class, as decorators see it (its prototype carries the metadata). */
export type DtoClass = abstract new (...args: never[]) => unknown;

export interface PropertyRules {
  optional: boolean;
  nested?: DtoClass;
  apply(schema: JsonSchema): void;
}

/** The validation rules of each property of a DTO class (including inherited ones). */
export function validationRules(dto: DtoClass): Map<string, PropertyRules> {
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const list = byProperty.get(m.propertyName) ?? [];
    list.push(m);
    byProperty.set(m.propertyName, list);
  }
  const out = new Map<string, PropertyRules>();
  for (const [property, metas] of byProperty) {
    // class-validator's @IsOptional() lets null through, and no request field is documented as nullable.
    if (metas.some((m) => m.type === 'conditionalValidation' && m.name === 'isOptional')) {
      throw new Error(`${dto.name}.${property}: use IsOptional from common/validation/is-optional.decorator.ts (class-validator's accepts null)`);
    }
    checkIntegerRange(dto, property, metas);
    const optional = metas.some((m) => m.type === 'conditionalValidation');
    const nestedMeta = metas.find((m) => m.type === 'nestedValidation');
    out.set(property, {
      optional,
      nested: nestedMeta ? nestedType(dto, property) : undefined,
      apply(schema) {
        for (const m of metas) {
          if (m.type !== 'customValidation') continue;
          const name = m.name ?? '';
          if (!(name in RULES)) throw new Error(`${dto.name}.${property}: validation rule "${name}" has no JSON Schema mapping (common/openapi/request-schemas.ts)`);
          const rule = RULES[name];
          if (!rule) continue;
          const target = m.each ? ((schema.items ??= {})) : schema;
          rule(target, (m.constraints as unknown[] | undefined) ?? []);
        }
        // Numbers and arrays declared with @ApiProperty keep what the rules made of them; drop stale $ref/type mixes.
        if (schema.type === 'integer' || schema.type === 'boolean') delete schema.format;
      },
    });
  }
  return out;
}

/**
 * Every integer a request carries is bounded to the database's `integer` (int4): an `@IsInt()` without `@Min` and
 * `@Max` inside that range fails the document build, so none reaches PostgreSQL as "out of range" (a 500).
 */
function checkIntegerRange(dto: DtoClass, property: string, metas: ValidationMetadata[]): void {
  for (const each of [false, true]) {
    const rules = metas.filter((m) => m.type === 'customValidation' && Boolean(m.each) === each);
    if (!rules.some((m) => m.name === 'isInt')) continue;
    const bound = (name: string) => rules.find((m) => m.name === name)?.constraints?.[0] as number | undefined;
    const [min, max] = [bound('min'), bound('max')];
    if (min === undefined || max === undefined || min < INT4_MIN || max > INT4_MAX) {
      throw new Error(`${dto.name}.${property}: an integer needs @Min and @Max within PostgreSQL's integer range (common/validation/int-range.ts)`);
    }
  }
}

/** The class of a @ValidateNested property: its design type, or for arrays the type given to @ApiProperty. */
function nestedType(dto: DtoClass, property: string): DtoClass | undefined {
  const designType = Reflect.getMetadata('design:type', dto.prototype as object, property) as DtoClass | undefined;
  if (designType && designType !== Array && designType !== Object) return designType;
  const api = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype as object, property) as { type?: unknown } | undefined;
  const t = Array.isArray(api?.type) ? (api.type[0] as unknown) : api?.type;
  return typeof t === 'function' ? (t as DtoClass) : undefined;
}
