/*
 * The root module: Warren from warren.yaml (next to this example's package.json), and the users feature.
 */
import '@warren/amqp'; // registers the RabbitMQ driver
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { WarrenModule } from '@warren/nestjs';
import { UsersModule } from './users/users-module.js';

export const CONFIG_FILE = fileURLToPath(new URL('../warren.yaml', import.meta.url));

@Module({
  imports: [WarrenModule.forRoot({ config: CONFIG_FILE }), UsersModule],
})
export class AppModule {}
