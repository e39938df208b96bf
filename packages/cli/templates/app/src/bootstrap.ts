/*
 * Runs before the job modules load (warren.yaml: jobs.bootstrap): register your services here,
 * e.g. `container.register(Mailer, { useClass: SmtpMailer })` or `container.registerInstance(Db, db)`.
 */
import 'reflect-metadata';
import { container } from 'tsyringe';
import { Mailer } from './services/mailer.js';

container.registerSingleton(Mailer);
