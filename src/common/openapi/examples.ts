import type { JsonSchema } from './request-schemas.js';

/**
 * Realistic values shared by the DTOs' `example`s: the seed article (Bulgarian) and its readers, so the document,
 * Swagger UI and generated clients all show the same story.
 */
export const EXAMPLE = {
  articleId: '5f0c6a7e-3b1d-4e8a-9c2f-7d4e1a2b3c4d',
  slug: 'zelenski-ukrayna-iska-savmestno-proizvodstvo-na-sistemi-za-pvo-s-yaponia',
  title: 'Зеленски: Украйна иска съвместно производство на системи за ПВО с Япония',
  paragraph:
    'Президентът на Украйна Володимир Зеленски съобщи, че страната му е заинтересована да започне съвместно производство с Япония на системи за противовъздушна отбрана, способни да прихващат балистични ракети.',
  commentId: '0b6f7a52-8d3c-4c1e-9a55-2f3d9c1e7a10',
  replyId: '7c2e9d41-5a6b-4f3c-8e1d-0a9b8c7d6e5f',
  commentBody: 'Съвместното производство с Япония е разумна стъпка – въпросът е колко бързо ще започне.',
  userId: '3d8e2f1a-6b4c-4d9e-8f7a-1b2c3d4e5f60',
  moderatorId: '9a1b2c3d-4e5f-4a6b-8c7d-e8f9a0b1c2d3',
  username: 'ivan_petrov',
  email: 'ivan.petrov@example.bg',
  moderatorName: 'redaktor_maria',
  reportReason: 'Обиди към други читатели',
  publishedAt: '2026-11-28T07:30:00.000Z',
  createdAt: '2026-11-28T09:12:45.120Z',
  cursor: 'eyJ0IjoiMjAyNi0xMS0yOFQwOToxMjo0NS4xMjBaIiwiaWQiOiIwYjZmN2E1Mi04ZDNjLTRjMWUtOWE1NS0yZjNkOWMxZTdhMTAifQ',
} as const;

const FORMATS: Record<string, unknown> = {
  uuid: EXAMPLE.commentId,
  'date-time': EXAMPLE.createdAt,
  email: EXAMPLE.email,
  'uri-reference': `/api/comments/${EXAMPLE.commentId}`,
};

/**
 * An example value for a schema, composed from the `example`s its properties declare (so one example per DTO
 * field serves every response that embeds it). A test validates every composed example against its schema.
 */
export function exampleOf(schema: JsonSchema, schemas: Record<string, JsonSchema>, depth = 0): unknown {
  if (depth > 8) return null;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.$ref) return exampleOf(schemas[schema.$ref.split('/').pop()!] ?? {}, schemas, depth + 1);
  // Exactly one of some properties (ExactlyOneOf: a oneOf of bare `required`): the example carries the first.
  const alternatives = schema.oneOf as JsonSchema[] | undefined;
  if (schema.properties && alternatives?.every((s) => Object.keys(s).length === 1 && Array.isArray(s.required))) {
    const { oneOf: _oneOf, ...object } = schema;
    const example = exampleOf(object, schemas, depth + 1) as Record<string, unknown>;
    for (const alternative of alternatives.slice(1)) for (const property of alternative.required ?? []) delete example[property];
    return example;
  }
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const parts = schema[key] as JsonSchema[] | undefined;
    if (!parts?.length) continue;
    if (key !== 'allOf') return exampleOf(parts[0], schemas, depth + 1);
    return Object.assign({}, ...parts.map((p) => exampleOf(p, schemas, depth + 1) as object));
  }
  if (schema.enum?.length) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => t !== 'null');
  if (type === undefined && types.includes('null')) return null;
  if (type === 'object' || schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, exampleOf(v, schemas, depth + 1)]));
  }
  if (type === 'array') {
    const item = exampleOf(schema.items ?? {}, schemas, depth + 1);
    return Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () => item);
  }
  if (type === 'integer' || type === 'number') return Number(schema.minimum ?? 0);
  if (type === 'boolean') return false;
  if (type === 'string') return FORMATS[String(schema.format)] ?? 'текст';
  return null;
}
