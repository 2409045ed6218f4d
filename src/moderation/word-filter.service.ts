import { Injectable } from '@nestjs/common';

export type FilterVerdict = { verdict: 'clean' } | { verdict: 'banned' | 'suspect'; matched: string[] };

/**
 * Admin-managed banned and suspect word lists. `check` is called by comment creation and editing.
 * (Stub until issue #5 implements the lists and the normalisation.)
 */
@Injectable()
export class WordFilterService {
  async check(_body: string): Promise<FilterVerdict> {
    return { verdict: 'clean' };
  }
}
