/*
 * Creates the example's Nest application context (no HTTP server: a worker). Creating it starts
 * consuming; close() drains. main.ts and the example's test both start it here.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AppModule } from './app-module.js';

export function createApp(): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
}
