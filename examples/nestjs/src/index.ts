/*
 * What the example's test uses: the app factory and the users feature's classes.
 */
export { createApp } from './create-app.js';
export { SendWelcomeJob } from './users/send-welcome.job.js';
export { SentWelcomes } from './users/sent-welcomes.js';
export { SignupService } from './users/signup-service.js';
