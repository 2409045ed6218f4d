/** Small helpers so that messages read as English: "an approved comment", "1 minute", "90 seconds". */

/** "a rejected", "an approved". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** A duration in the largest unit that divides it evenly: "15 minutes", "1 hour", "90 seconds". */
export function formatDuration(seconds: number): string {
  const [amount, unit] =
    seconds % 3600 === 0 && seconds > 0
      ? [seconds / 3600, 'hour']
      : seconds % 60 === 0 && seconds > 0
        ? [seconds / 60, 'minute']
        : [seconds, 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
