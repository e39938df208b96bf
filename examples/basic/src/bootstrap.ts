/*
 * Runs before the job modules load: the place to register DI bindings (config values, clients).
 */
import 'reflect-metadata';
import { container } from 'tsyringe';
import { Mailer } from './services/mailer.js';

container.registerSingleton(Mailer);
