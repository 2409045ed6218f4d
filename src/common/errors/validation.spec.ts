import type { ArgumentMetadata } from '@nestjs/common';
import { ListCommentsQueryDto } from '../../comments/dto/list.dto.js';
import { BulkCountsQueryDto } from '../../comments/dto/counts.dto.js';
import { AppError } from './app-error.js';
import { createValidationPipe } from './validation.js';

const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype, data: undefined });

describe('createValidationPipe', () => {
  it('should answer a repeated query with an equal, frozen DTO and the same one each time', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ articles: 'a, b,a' }, query(BulkCountsQueryDto))) as BulkCountsQueryDto;
    expect(first).toBeInstanceOf(BulkCountsQueryDto);
    expect(first.articles).toEqual(['a', 'b']);
    const again = await pipe.transform({ articles: 'a, b,a' }, query(BulkCountsQueryDto));
    expect(again).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.articles)).toBe(true);
    expect(() => first.articles.push('c')).toThrow(TypeError);
  });

  it('should keep query DTOs of different classes apart and apply each class defaults', async () => {
    const pipe = createValidationPipe();
    const list = (await pipe.transform({}, query(ListCommentsQueryDto))) as ListCommentsQueryDto;
    expect(list).toMatchObject({ limit: 20, sort: 'oldest' });
    const newest = (await pipe.transform({ sort: 'newest', limit: '5' }, query(ListCommentsQueryDto))) as ListCommentsQueryDto;
    expect(newest).toMatchObject({ limit: 5, sort: 'newest' });
    await expect(pipe.transform({}, query(BulkCountsQueryDto))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('should reject an invalid query every time (failures are never cached)', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 2; i++) {
      const err = await pipe.transform({ limit: '0' }, query(ListCommentsQueryDto)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'limit' })] });
    }
  });
});
