import { isoUtc } from '../database/sql.js';

/**
 * A reader's view of a comment (`c`: a comments row), built by PostgreSQL: the JSON shape of every comment the API
 * and the event log show. A deleted one keeps its place, without body or author. A comment whose author erased their
 * account keeps its body but shows no author (`author: null`, `deleted: false`): not even the account's id, so an
 * erased reader's comments cannot be linked to each other or to the old name. The author is a correlated subquery
 * rather than a join: one primary-key lookup per item, a plan that stays right as a prepared statement's generic plan
 * (which cannot know the page size and would hash-join all users).
 * `reactions` is the comment's counter per kind (reactions.ts); with `viewer` (a uuid expression: the signed-in
 * reader) the view also says which reaction is theirs (`myReaction`, null for none): pages for one reader only.
 * `author.badge` is the author's visible mark (staff, journalist), never their role.
 */
export const publicCommentJson = (c = 'c', viewer?: string) => `json_build_object(
  'id', ${c}.id,
  'body', CASE WHEN ${c}.deleted_at IS NULL THEN ${c}.body END,
  'author', CASE WHEN ${c}.deleted_at IS NULL
                 THEN (SELECT json_build_object('id', u.id, 'username', u.username, 'badge', u.badge) FROM users u WHERE u.id = ${c}.author_id AND u.deleted_at IS NULL) END,
  'status', ${c}.status,
  'deleted', ${c}.deleted_at IS NOT NULL,
  'parentId', ${c}.parent_id,
  'rootId', ${c}.root_id,
  'depth', ${c}.depth,
  'createdAt', ${isoUtc(`${c}.created_at`)},
  'editedAt', ${isoUtc(`${c}.edited_at`)},
  'reactions', ${c}.reactions,
  'featured', ${c}.featured_at IS NOT NULL${
    viewer
      ? `,
  'myReaction', (SELECT r.kind FROM comment_reactions r WHERE r.comment_id = ${c}.id AND r.user_id = ${viewer})`
      : ''
  })`;
