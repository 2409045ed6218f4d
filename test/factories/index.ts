// Builders for the rows tests need, with overrides: users (with real tokens), articles and comments, made through
// the real API or through the real database the way the app itself records them. No mocks.
export * from './article.factory.js';
export * from './comment.factory.js';
export * from './unique.js';
export * from './user.factory.js';
