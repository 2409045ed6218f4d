import type { WordFilterKind } from '../generated/prisma/enums.js';
import {
  collapseRepeats,
  normalizeEntry,
  type NormalizedWord,
  textForms,
  tokenize,
  tokenVariants,
  wordForms,
  wordMatches,
} from './word-normalizer.js';

export type FilterVerdict = { verdict: 'clean' } | { verdict: 'banned' | 'suspect'; matched: string[] };

export interface FilterEntry {
  /** As the admin typed it (what a verdict lists). */
  word: string;
  kind: WordFilterKind;
}

interface IndexedWord extends FilterEntry {
  stem: string;
}

interface IndexedPhrase extends FilterEntry {
  words: { word: NormalizedWord; forms: ReadonlySet<string> }[];
}

/**
 * A word list compiled for matching (word-normalizer.ts explains the forms): one-word entries as a lookup of every
 * form they accept, prefix entries as stems, phrases as a sequence of per-word form sets. Immutable; built once per
 * list change and used for every comment.
 */
export class WordMatcher {
  /** Every accepted form of a one-word entry → the entries. Keys come from admin input: a Map, never an object. */
  private readonly exact = new Map<string, IndexedWord[]>();
  private readonly prefixes: IndexedWord[] = [];
  private readonly phrases: IndexedPhrase[] = [];

  constructor(entries: readonly FilterEntry[]) {
    for (const e of entries) {
      // Re-derived from the entry as typed (incl. a trailing *), so an improved normaliser applies to existing
      // entries without a data migration.
      const entry = normalizeEntry(e.word);
      if (!entry) continue;
      if (entry.words.length > 1) {
        this.phrases.push({ ...e, words: entry.words.map((w) => ({ word: w, forms: new Set(wordForms(w)) })) });
        // Written as one word, or with all its letters split ("м а м к а т и" joins to one chain): the words run
        // together also count.
        if (!entry.words.some((w) => w.prefix)) this.addExact(collapseRepeats(entry.words.map((w) => w.stem).join('')), { ...e, stem: '' });
        continue;
      }
      const [word] = entry.words as [NormalizedWord];
      const indexed = { ...e, stem: word.stem };
      if (word.prefix) {
        this.prefixes.push(indexed);
        continue;
      }
      for (const form of wordForms(word)) this.addExact(form, indexed);
    }
  }

  private addExact(form: string, entry: IndexedWord): void {
    const list = this.exact.get(form);
    if (list) list.push(entry);
    else this.exact.set(form, [entry]);
  }

  get empty(): boolean {
    return this.exact.size === 0 && this.prefixes.length === 0 && this.phrases.length === 0;
  }

  /** Banned beats suspect; `matched` lists the entries as they were typed. */
  check(text: string): FilterVerdict {
    if (this.empty) return { verdict: 'clean' };
    const banned = new Set<string>();
    const suspect = new Set<string>();
    const hit = (e: FilterEntry) => (e.kind === 'banned' ? banned : suspect).add(e.word);
    const tokens = tokenize(text);
    for (const form of textForms(tokens)) {
      for (const e of this.exact.get(form) ?? []) hit(e);
      for (const e of this.prefixes) if (form.startsWith(e.stem)) hit(e);
    }
    if (this.phrases.length) {
      // The words in a row, either as written or with split letters joined ("м-а-м-к-а ти").
      for (const sequence of [tokens.words, tokens.stream]) {
        const variants = sequence.map(tokenVariants);
        for (const p of this.phrases) {
          const at = (i: number) => p.words.every((w, k) => i + k < variants.length && wordMatches(w.word, w.forms, variants[i + k]));
          if (variants.some((_, i) => at(i))) hit(p);
        }
      }
    }
    if (banned.size) return { verdict: 'banned', matched: [...banned] };
    if (suspect.size) return { verdict: 'suspect', matched: [...suspect] };
    return { verdict: 'clean' };
  }
}
