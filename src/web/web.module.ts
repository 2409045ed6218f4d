import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module.js';
import { ThreadsModule } from '../threads/threads.module.js';
import { ReaderPages } from './pages/reader-pages.js';
import { WebRoutes } from './web.routes.js';

@Module({ imports: [ArticlesModule, ThreadsModule], providers: [WebRoutes, ReaderPages] })
export class WebModule {}
