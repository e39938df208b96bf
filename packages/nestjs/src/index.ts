/*
 * @warren/nestjs: Warren in a NestJS app. WarrenModule.forRoot/forRootAsync, @Job classes (from
 * @warren/core) as Nest providers built fresh for each job, WarrenService to dispatch, and
 * graceful shutdown on app.close() / enableShutdownHooks().
 */
import 'reflect-metadata';

export { WarrenModule } from './warren-module.js';
export { WarrenService } from './warren-service.js';
export { JOB_CONTEXT, WARREN, WARREN_MODULE_OPTIONS } from './warren-module-options.js';
export type { WarrenModuleOptions, WarrenModuleAsyncOptions } from './warren-module-options.js';
