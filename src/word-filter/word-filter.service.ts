import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { decodeCursor, keysetPage, olderThan } from '../common/pagination.js';
import { Prisma } from '../generated/prisma/client.js';
import type { WordFilterKind } from '../generated/prisma/enums.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { Page } from '../common/openapi/page.dto.js';
import type { WordFilterDto } from './word-filter.dto.js';
import { type FilterVerdict, WordMatcher } from './word-matcher.js';
import { MAX_PHRASE_WORDS, normalizeEntry } from './word-normalizer.js';
import { appendAudit } from '../audit/audit-log.js';

export type { FilterVerdict } from './word-matcher.js';

interface FilterIndex {
  matcher: WordMatcher;
  loadedAt: number;
}

const wordFilterSelect = {
  id: true,
  word: true,
  normalized: true,
  kind: true,
  createdAt: true,
  createdBy: { select: { id: true, username: true } },
} satisfies Prisma.WordFilterSelect;

type WordFilterRow = Prisma.WordFilterGetPayload<{ select: typeof wordFilterSelect }>;

function toWordFilterView(f: WordFilterRow): WordFilterDto {
  return { id: f.id, word: f.word, normalized: f.normalized, kind: f.kind, createdAt: f.createdAt.toISOString(), createdBy: f.createdBy };
}

/**
 * Admin-managed banned and suspect word lists. `check` runs on every comment post and edit, so the list is held
 * in memory, compiled (word-matcher.ts). A change made through this instance
 * invalidates at once; other instances pick it up within CACHE_TTL_MS.
 */
@Injectable()
export class WordFilterService {
  static readonly CACHE_TTL_MS = 30_000;
  private readonly logger = new Logger(WordFilterService.name);
  private index: FilterIndex | null = null;
  private loading: Promise<FilterIndex> | null = null;
  private generation = 0;

  constructor(private readonly prisma: PrismaService) {}

  /** Banned beats suspect; `matched` lists the admin's entries as they were typed. */
  async check(body: string): Promise<FilterVerdict> {
    return (await this.getIndex()).matcher.check(body);
  }

  /** Drops the cached list; the next check reloads it. */
  invalidate(): void {
    this.generation++;
    this.index = null;
    this.loading = null;
  }

  async get(id: string): Promise<WordFilterDto> {
    const row = await this.prisma.wordFilter.findUnique({ where: { id }, select: wordFilterSelect });
    if (!row) throw AppError.notFound('WORD_FILTER_NOT_FOUND', 'No word filter entry with this id');
    return toWordFilterView(row);
  }

  async list(opts: { limit: number; cursor?: string; kind?: WordFilterKind }): Promise<Page<WordFilterDto>> {
    const rows = await this.prisma.wordFilter.findMany({
      where: { ...(opts.kind && { kind: opts.kind }), ...olderThan(decodeCursor(opts.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit + 1,
      select: wordFilterSelect,
    });
    return keysetPage(rows, opts.limit, toWordFilterView);
  }

  /** Adds an entry (a word or a phrase); 409 when its normalised form is already listed (under either kind). Audited. */
  async create(actorId: string, word: string, kind: WordFilterKind): Promise<WordFilterDto> {
    const entry = normalizeEntry(word);
    if (!entry) {
      const rule = `must be a word or a phrase of up to ${MAX_PHRASE_WORDS} words (letters and digits), optionally ending in *`;
      throw AppError.badRequest('INVALID_WORD', `A filter entry ${rule}`, [{ field: 'word', message: `word ${rule}` }]);
    }
    const trimmed = word.trim();
    try {
      const row = await this.prisma.transaction(async (tx) => {
        const created = await tx.wordFilter.create({
          data: { word: trimmed, normalized: entry.normalized, kind, createdById: actorId },
          select: wordFilterSelect,
        });
        await appendAudit(tx, { actorId, action: 'filter_add', reason: `${kind}: ${trimmed}` });
        return created;
      });
      return toWordFilterView(row);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw AppError.conflict('WORD_FILTER_EXISTS', `"${entry.normalized}" is already in the word filter`);
      }
      throw err;
    } finally {
      this.invalidate();
    }
  }

  async remove(actorId: string, id: string): Promise<void> {
    try {
      await this.prisma.transaction(async (tx) => {
        const removed = await tx.wordFilter.delete({ where: { id }, select: { word: true, kind: true } });
        await appendAudit(tx, { actorId, action: 'filter_remove', reason: `${removed.kind}: ${removed.word}` });
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025') {
        throw AppError.notFound('WORD_FILTER_NOT_FOUND', 'No word filter entry with this id');
      }
      throw err;
    } finally {
      this.invalidate();
    }
  }

  private async getIndex(): Promise<FilterIndex> {
    const now = Date.now();
    if (this.index && now - this.index.loadedAt < WordFilterService.CACHE_TTL_MS) return this.index;
    // One load at a time; concurrent checks share it.
    this.loading ??= this.load(this.generation);
    try {
      return await this.loading;
    } catch (err) {
      this.loading = null;
      // Keep moderating with the last known list rather than failing every post while the database blips.
      if (this.index) {
        this.logger.warn({ msg: 'word filter reload failed; using the cached list', err: (err as Error).message });
        return this.index;
      }
      throw err;
    }
  }

  private async load(generation: number): Promise<FilterIndex> {
    const rows = await this.prisma.wordFilter.findMany({ select: { word: true, kind: true } });
    const index: FilterIndex = { matcher: new WordMatcher(rows), loadedAt: Date.now() };
    // A change made while this load was running must not be overwritten by the stale result.
    if (generation === this.generation) {
      this.index = index;
      this.loading = null;
    }
    return index;
  }
}
