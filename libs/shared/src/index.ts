export * from './events';
export * from './operations';
export * from './apply';
export * from './delta';
export * from './duration';
export * from './api-requests';
