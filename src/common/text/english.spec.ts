import { formatDuration, withArticle } from './english.js';

describe('english', () => {
  it.each([
    ['approved', 'an approved'],
    ['pending', 'a pending'],
    ['rejected', 'a rejected'],
    ['spam', 'a spam'],
    ['Idle', 'an Idle'],
  ])('should put the right article before %s', (word, expected) => {
    expect(withArticle(word)).toBe(expected);
  });

  it.each([
    [900, '15 minutes'],
    [60, '1 minute'],
    [3600, '1 hour'],
    [7200, '2 hours'],
    [90, '90 seconds'],
    [1, '1 second'],
    [0, '0 seconds'],
  ])('should say %i seconds as "%s"', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});
