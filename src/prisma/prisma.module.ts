import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** Database access for every module: Prisma, and the pg pool it runs on (PrismaService.pool) for prepared statements. */
@Global()
@Module({ providers: [PrismaService], exports: [PrismaService] })
export class PrismaModule {}
