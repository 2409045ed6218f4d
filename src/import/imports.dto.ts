import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { IsOptional } from '../common/validation/is-optional.decorator.js';
import { IMPORT_FORMATS, type ImportFormat } from './import-records.js';
import { EXPORT_FORMATS, type ExportFormat } from './site-export.js';

const STATUSES = ['queued', 'running', 'finished', 'failed'] as const;

/** One import run: its counts as they stand (updated with every committed batch while it runs). */
export class ImportRunDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: IMPORT_FORMATS, example: 'disqus' })
  format: string;

  @ApiProperty({ type: String, nullable: true, description: "the file's name as given", example: 'vestnik-disqus.xml' })
  sourceName: string | null;

  @ApiProperty({
    enum: STATUSES,
    description:
      'queued: an upload waiting for a worker; running: batches are still being written; failed: stopped, see `error` (run it again to resume)',
  })
  status: (typeof STATUSES)[number];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the admin who started it; null for the command line' })
  startedById: string | null;

  @ApiProperty({ type: Number, nullable: true, description: "an upload's size in bytes; null for the command line", example: 1843200 })
  uploadBytes: number | null;

  @ApiProperty({ description: 'comments written (so far)' })
  commentsImported: number;

  @ApiProperty({ description: 'already imported, or not comments (pingbacks)' })
  commentsSkipped: number;

  @ApiProperty({ description: 'records that could not be imported (reasons in `report.problems`)' })
  commentsFailed: number;

  @ApiProperty()
  articlesCreated: number;

  @ApiProperty()
  authorsCreated: number;

  @ApiProperty({ type: String, nullable: true, description: 'why the run stopped, with the place in the file' })
  error: string | null;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt: string | null;
}

/** A run with its report (docs/import-export.md): per article, and every skipped or failed record with its place. */
export class ImportRunDetailDto extends ImportRunDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'the report written when the run ended (null while it runs): comments, articles, authors, perArticle, problems',
  })
  report: Record<string, unknown> | null;
}

export class ImportRunResponse {
  @ApiProperty({ type: ImportRunDetailDto })
  import: ImportRunDetailDto;
}

export class ImportRunListDto {
  @ApiProperty({ type: [ImportRunDto], description: 'the latest 50 runs, newest first' })
  items: ImportRunDto[];
}

/** `POST /api/admin/imports?from=…&name=…`: the file is the body. */
export class UploadImportQueryDto {
  @ApiPropertyOptional({ enum: IMPORT_FORMATS, description: "the file's format; by default told from its start", example: 'disqus' })
  @IsOptional()
  @IsIn(IMPORT_FORMATS)
  from?: ImportFormat;

  @ApiPropertyOptional({ description: "the file's name, shown in the list of runs", example: 'vestnik-disqus.xml' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

/** `GET /api/admin/export?format=…`. */
export class ExportQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: 'native (default), disqus or wxr', example: 'native' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
