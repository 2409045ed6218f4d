import { Global, Module } from '@nestjs/common';
import { ReadPath } from '../read-path/read-path.service.js';
import { PrismaService } from './prisma.service.js';

/** Database access for every module: Prisma, and the lean raw-SQL read path on the same pg pool. */
@Global()
@Module({ providers: [PrismaService, ReadPath], exports: [PrismaService, ReadPath] })
export class PrismaModule {}
