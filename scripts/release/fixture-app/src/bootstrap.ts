/* Binds the app's services in the app's own tsyringe, which must be the one Warren resolves from. */
import 'reflect-metadata';
import { container } from 'tsyringe';
import type { Greeting } from './greeting.js';

container.register<Greeting>('Greeting', { useValue: { text: 'hello from the app container' } });
