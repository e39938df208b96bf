/*
 * Runs before the job modules load (warren.yaml: jobs.bootstrap): register your services here.
 */
import 'reflect-metadata';
import { container } from 'tsyringe';
import { ConsoleMailer, Mailer } from './services/mailer.js';

container.register(Mailer, { useClass: ConsoleMailer });
